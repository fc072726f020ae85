"""The server-error page tells an outage (database, full disk) from a defect, without touching the database."""

import errno

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from casework import urls as project_urls


def _database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed")


def _disk_full(request):
    raise OSError(errno.ENOSPC, "No space left on device")


def _defect(request):
    raise ZeroDivisionError


urlpatterns = [
    path("db/", _database_down),
    path("disk/", _disk_full),
    path("bug/", _defect),
]
handler500 = project_urls.handler500


@pytest.fixture
def raising_client(settings):
    settings.ROOT_URLCONF = __name__
    settings.LOGIN_REQUIRED_IGNORE = True
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/db/", 503, "The database is not reachable for a moment. Nothing was saved"),
        ("/disk/", 503, "The storage for uploaded files is full. Nothing was saved"),
        ("/bug/", 500, "Something went wrong on our side."),
    ],
)
def test_outages_answer_503_with_a_clear_message(raising_client, superuser, url, status, text):
    raising_client.force_login(superuser)

    response = raising_client.get(url)

    assert response.status_code == status
    assert text in response.content.decode()
    if status == 503:
        assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_outage_page_is_in_the_users_language(raising_client, superuser):
    superuser.language = "fr"
    superuser.save(update_fields=["language"])
    raising_client.force_login(superuser)

    response = raising_client.get("/db/")

    assert response.status_code == 503
    assert 'lang="fr"' in response.content.decode()
