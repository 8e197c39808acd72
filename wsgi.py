"""What gunicorn serves: `gunicorn wsgi:app`."""

import gc

from course import create_app

app = create_app()

# What is loaded by now (modules, the app, its templates' code) lives as long as the worker: keep
# it out of the garbage collector's full passes, which otherwise walk it again every few requests
# (about 1 ms a page on the national benchmark's home pages).
gc.freeze()
