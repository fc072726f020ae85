"""Celery application. Tasks take ids only and are enqueued on commit (`delay_on_commit`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

# task_cls gives every task `delay_on_commit` (Celery >= 5.4), so services never enqueue work
# for rows that a rolled-back transaction did not write.
app = Celery("casework", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
