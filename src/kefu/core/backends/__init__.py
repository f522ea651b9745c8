"""Database backends: Django's, with what kefu needs changed (see each module)."""
