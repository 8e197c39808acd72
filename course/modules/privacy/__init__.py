"""People's rights over their data: keys, my data, erasure, retention, the privacy page, backups.

Importing the package registers its routes and commands.
"""

from course.modules.privacy import commands, routes_admin  # noqa: F401
