"""ASGI entry point for `kefu serve` (gunicorn with uvicorn workers): the desk's event streams are
served asynchronously (no thread per open stream), every other view as before (Django runs sync
views in threads). ``kefu.wsgi`` stays for WSGI servers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
application = get_asgi_application()
