#!/usr/bin/env bash
# Casework backup: a consistent PostgreSQL dump plus the uploaded files, encrypted, with rotation.
#
#   deploy/backup.sh [--env-file /etc/casework/env]
#
# Reads DATABASE_URL and CASEWORK_MEDIA_ROOT (from the environment or the env file) and:
#   BACKUP_DIR               where encrypted backups go (default /srv/casework/backups)
#   BACKUP_GPG_RECIPIENT     encrypt to this public key (preferred: the private key stays offline), or
#   BACKUP_PASSPHRASE_FILE   encrypt with the passphrase in this file (symmetric AES-256)
#   BACKUP_KEEP              how many backups to keep (default 14: two weeks of dailies)
# Writes BACKUP_DIR/casework-<UTC time>.tar.gpg (mode 0600) and prints its path. Nothing unencrypted
# ever leaves the temporary directory, which is removed on exit, even on failure.
#
# Consistency: pg_dump reads one snapshot (a repeatable-read transaction), so the database dump is
# consistent in itself. Files are archived right AFTER the dump: a file without a row is harmless; a row
# without its file would be a lost document. Uploads are write-once with opaque names, so no file
# changes under the archiver's feet.
set -euo pipefail
umask 077

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --env-file) set -a; . "$2"; set +a; shift 2 ;;
        -h|--help) usage ;;
        *) echo "backup.sh: unknown argument $1" >&2; usage ;;
    esac
done

: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${CASEWORK_MEDIA_ROOT:?CASEWORK_MEDIA_ROOT is not set}"
BACKUP_DIR=${BACKUP_DIR:-/srv/casework/backups}
BACKUP_KEEP=${BACKUP_KEEP:-14}
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh: DATABASE_URL must be PostgreSQL" >&2; exit 2 ;; esac
if [ -z "${BACKUP_GPG_RECIPIENT:-}" ] && [ -z "${BACKUP_PASSPHRASE_FILE:-}" ]; then
    echo "backup.sh: set BACKUP_GPG_RECIPIENT or BACKUP_PASSPHRASE_FILE; backups are never written unencrypted" >&2
    exit 2
fi

start=$(date +%s)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/backup" "$BACKUP_DIR"

pg_dump --format=custom --no-owner --no-privileges --file="$work/backup/database.dump" "$DATABASE_URL"
if [ -d "$CASEWORK_MEDIA_ROOT" ]; then
    tar -C "$CASEWORK_MEDIA_ROOT" -cf "$work/backup/media.tar" .
else
    tar -cf "$work/backup/media.tar" -T /dev/null
fi
(
    cd "$work/backup"
    {
        echo "created_utc=$stamp"
        echo "format=casework-backup-1"
    } > MANIFEST
    sha256sum database.dump media.tar > SHA256SUMS
)

out="$BACKUP_DIR/casework-$stamp.tar.gpg"
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
if [ -n "${BACKUP_GPG_RECIPIENT:-}" ]; then
    # The public key must be in the keyring given by BACKUP_GNUPGHOME (default: the operator's).
    export GNUPGHOME="${BACKUP_GNUPGHOME:-$HOME/.gnupg}"
    tar -C "$work" -cf - backup | gpg --batch --yes --trust-model always --recipient "$BACKUP_GPG_RECIPIENT" \
        --compress-algo zlib --output "$out.part" --encrypt
else
    tar -C "$work" -cf - backup | gpg --batch --yes --pinentry-mode loopback \
        --passphrase-file "$BACKUP_PASSPHRASE_FILE" --symmetric --cipher-algo AES256 \
        --compress-algo zlib --output "$out.part"
fi
mv "$out.part" "$out"
chmod 600 "$out"

# Rotation: keep the newest BACKUP_KEEP backups (names sort by time).
mapfile -t old < <(ls -1 "$BACKUP_DIR"/casework-*.tar.gpg 2>/dev/null | sort -r | tail -n +"$((BACKUP_KEEP + 1))")
for f in "${old[@]}"; do rm -f -- "$f"; done

echo "backup.sh: wrote $out ($(du -h "$out" | cut -f1)) in $(( $(date +%s) - start )) s; kept ${BACKUP_KEEP} newest" >&2
echo "$out"
