"""Releases and documents. The models arrive with the releases issue (#4)."""
