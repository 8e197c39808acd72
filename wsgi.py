"""What gunicorn serves: `gunicorn wsgi:app`."""

from course import create_app

app = create_app()
