"""Restore drill: deploy/backup.sh, then deploy/restore.sh into a new database, then the app on the copy.

Runs the shipped scripts as an operator would (subprocesses with pg_dump, gpg, tar), against the test
database that pytest-django made on PostgreSQL. The restored copy must hold the same rows in every
table, the same persons and requests to the byte (checksums), and serve a scanned document through the
app's own scoped download view, byte for byte. The time taken is printed (see docs/operations.md).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from tests import factories
from tests.ops.dbcompare import checksums, table_counts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCAN = b"%PDF-1.4\n% synthetic scan for the restore drill\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def _url(dbname: str) -> str:
    s = connection.settings_dict
    user = s["USER"] or "postgres"
    return f"postgres://{user}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


@pytest.fixture
def restored_db_name():
    name = f"{connection.settings_dict['NAME']}_restored"
    yield name
    subprocess.run(["psql", _url("postgres"), "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False)


def test_backup_then_restore_gives_the_same_data_and_files(tmp_path, settings, restored_db_name):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    org = factories.OrganisationFactory()
    caseworker = factories.UserFactory(organisation=org, role="caseworker")
    mother = factories.PersonFactory(organisation=org, given_name_lat="Amina", family_name_lat="Synthetic")
    child = factories.PersonFactory(organisation=org, given_name_lat="Yusuf", family_name_lat="Synthetic", child=True)
    factories.FamilyLinkFactory(person=child, relative=mother)
    document = factories.IdentityDocumentFactory(person=mother)
    document.file.save("scan.pdf", ContentFile(SCAN))
    request = factories.GovernmentRequestFactory(organisation=org)
    factories.RequestedPersonFactory(request=request, person=mother)
    factories.RequestedPersonFactory(request=request, person=child)

    source = _url(connection.settings_dict["NAME"])
    target = _url(restored_db_name)
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("drill passphrase, not for production\n")
    env = {
        **os.environ,
        "DATABASE_URL": source,
        "CASEWORK_MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "BACKUP_PASSPHRASE_FILE": str(passphrase),
        "BACKUP_KEEP": "2",
    }

    started = time.monotonic()
    backups = [
        subprocess.run([ROOT / "deploy/backup.sh"], env=env, check=True, capture_output=True, text=True).stdout.strip()
        for _ in range(3)
    ]
    backup = Path(backups[-1])
    assert backup.exists()
    # Rotation keeps the newest two; nothing in the backup is readable without the passphrase.
    assert sorted(p.name for p in backup.parent.iterdir()) == sorted({Path(b).name for b in backups})[-2:]
    raw = backup.read_bytes()
    assert b"Synthetic" not in raw and b"synthetic scan" not in raw

    restored_media = tmp_path / "restored-media"
    subprocess.run(
        [ROOT / "deploy/restore.sh", backup, target, restored_media],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    print(f"restore drill: 3 backups and one restore in {elapsed:.1f} s")

    assert table_counts(target) == table_counts(source)
    assert checksums(target) == checksums(source)
    assert (restored_media / document.file.name).read_bytes() == SCAN

    # The app started on the restored copy serves the scan through its scoped download view.
    script = (
        "from django.test.utils import setup_test_environment; setup_test_environment()\n"
        "from django.test import Client; from django.urls import reverse\n"
        "from casework.accounts.models import User\n"
        f"c = Client(); c.force_login(User.objects.get(pk={caseworker.pk}))\n"
        # The second factor, given as the test client's force_login gives it (tests/conftest.py).
        f"from tests.conftest import verify_second_factor; verify_second_factor(c, User.objects.get(pk={caseworker.pk}))\n"
        f"r = c.get(reverse('people:document_file', args=['{mother.public_id}', '{document.public_id}']))\n"
        "import sys; sys.stdout.buffer.write(str(r.status_code).encode() + b'\\n' + b''.join(r.streaming_content))\n"
    )
    app_env = {**env, "DATABASE_URL": target, "CASEWORK_MEDIA_ROOT": str(restored_media), "DJANGO_DEBUG": "1"}
    served = subprocess.run(
        [sys.executable, ROOT / "manage.py", "shell", "--no-imports", "-c", script],
        env=app_env,
        check=True,
        capture_output=True,
    ).stdout
    status, _, body = served.partition(b"\n")
    assert status == b"200"
    assert body == SCAN


def test_restore_refuses_an_existing_database(tmp_path):
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("x\n")
    fake = tmp_path / "casework-x.tar.gpg"
    subprocess.run(
        ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase-file", passphrase, "--symmetric",
         "--output", fake, "/dev/null"],
        check=True, capture_output=True, env={**os.environ, "GNUPGHOME": str(tmp_path)},
    )  # fmt: skip
    result = subprocess.run(
        [ROOT / "deploy/restore.sh", fake, _url(connection.settings_dict["NAME"]), tmp_path / "m"],
        env={**os.environ, "BACKUP_PASSPHRASE_FILE": str(passphrase)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0


def test_backup_refuses_to_write_unencrypted(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKUP_")}
    env |= {"DATABASE_URL": _url("postgres"), "CASEWORK_MEDIA_ROOT": str(tmp_path), "BACKUP_DIR": str(tmp_path / "b")}
    result = subprocess.run([ROOT / "deploy/backup.sh"], env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert "never written unencrypted" in result.stderr
    assert not (tmp_path / "b").exists()
