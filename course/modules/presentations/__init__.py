"""The case-presentation rota. Importing the package registers all of its routes and commands
on the blueprint defined in routes.py."""

from course.modules.presentations import commands, reflections, rota  # noqa: F401
