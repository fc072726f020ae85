"""Casework: case management for foreign nationals held in camps in north-east Syria."""

from casework.celery import app as celery_app

__all__ = ["celery_app"]
