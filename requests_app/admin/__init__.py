"""The domain core in the Django admin, one module per part of the domain.

Importing this package registers every model admin (Django's autodiscovery imports it); another
app extends a page here by subclassing its admin and registering it again, never by changing it.
"""

from requests_app.admin import agencies, deadlines, lawsuits, requests  # noqa: F401
