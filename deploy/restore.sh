#!/usr/bin/env bash
# Casework restore: a backup made by deploy/backup.sh into a NEW database and an empty media directory.
#
#   deploy/restore.sh BACKUP_FILE TARGET_DATABASE_URL TARGET_MEDIA_ROOT
#
# Decryption: BACKUP_PASSPHRASE_FILE for symmetric backups, or the private key in GNUPGHOME.
# The target database is created (UTF-8, from template0); the script refuses a database that exists,
# and a media directory that is not empty, so that a restore never mixes with live data. Checksums of
# the dump and the files are verified before anything is written. Afterwards: point CASEWORK_MEDIA_ROOT
# and DATABASE_URL at the restored copy, run `manage.py migrate` if the code is newer, start the app.
set -euo pipefail
umask 077

if [ $# -ne 3 ]; then sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; fi
backup=$1
target_url=$2
target_media=$3

case "$target_url" in postgres://*|postgresql://*) ;; *) echo "restore.sh: target must be a PostgreSQL URL" >&2; exit 2 ;; esac
[ -f "$backup" ] || { echo "restore.sh: no such backup: $backup" >&2; exit 2; }
if [ -d "$target_media" ] && [ -n "$(ls -A "$target_media")" ]; then
    echo "restore.sh: $target_media is not empty" >&2; exit 2
fi

start=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Decrypt and check before touching the database.
if [ -n "${BACKUP_PASSPHRASE_FILE:-}" ]; then
    export GNUPGHOME="$work/gnupg"
    mkdir -m 700 "$GNUPGHOME"
    gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$BACKUP_PASSPHRASE_FILE" \
        --decrypt "$backup" | tar -C "$work" -xf -
else
    gpg --batch --quiet --decrypt "$backup" | tar -C "$work" -xf -
fi
(cd "$work/backup" && sha256sum --quiet --check SHA256SUMS)

# Create the new database through the server's maintenance database.
query=""
case "$target_url" in *\?*) query="?${target_url#*\?}" ;; esac
base_url=${target_url%%\?*}
dbname=${base_url##*/}
maintenance_url="${base_url%/*}/postgres${query}"
exists=$(psql "$maintenance_url" -Atc "SELECT 1 FROM pg_database WHERE datname = '${dbname//\'/\'\'}'")
if [ "$exists" = "1" ]; then
    echo "restore.sh: database $dbname exists; restore into a new one" >&2; exit 2
fi
psql "$maintenance_url" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"${dbname//\"/\"\"}\" ENCODING 'UTF8' TEMPLATE template0"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$target_url" "$work/backup/database.dump"

mkdir -p "$target_media"
chmod 750 "$target_media"
tar -C "$target_media" --no-same-owner -xf "$work/backup/media.tar"
find "$target_media" -type d -exec chmod 750 {} +
find "$target_media" -type f -exec chmod 640 {} +

echo "restore.sh: restored $(basename "$backup") into database $dbname and $target_media in $(( $(date +%s) - start )) s" >&2
