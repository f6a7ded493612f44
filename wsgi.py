"""WSGI entry point: ``gunicorn wsgi:app``."""
from enroll import create_app

app = create_app()
