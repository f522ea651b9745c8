"""WSGI entry point for `kefu serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
application = get_wsgi_application()

# Build the OpenAPI document while the process waits for its first requests (kefu.api.schema).
from kefu.api.schema import schema_warm_in_background  # noqa: E402 (needs the configured Django)

schema_warm_in_background()
