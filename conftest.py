"""Root pytest configuration: make settings loadable before pytest-django reads them.

Tests run with DEBUG off, as production does; only the secret is supplied here. DATABASE_URL and
REDIS_URL come from the environment (make test / .ci/run set them for the PostgreSQL run).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
