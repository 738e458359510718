#!/bin/sh
# Lifeline backup: the database and STORAGE_DIR taken together, encrypted, old copies removed.
# A backup holds every letter, writers' Telegram ids and reply scans: it is only ever written
# encrypted (age, to the public key in AGE_RECIPIENT; the private key is kept off this server).
#
#   sudo -u lifeline /opt/lifeline/deploy/lifeline-backup.sh
#
# Settings (environment, or /opt/lifeline/.env): DATABASE_URL, STORAGE_DIR (default ./data),
# BACKUP_DIR (default /var/backups/lifeline), AGE_RECIPIENT (age1...), KEEP_DAYS (default 30).
set -eu
cd "$(dirname "$0")/.."
# Read only the settings needed here from .env (sourcing it would trip over values with spaces).
from_env() { [ -f .env ] && sed -n "s/^$1=//p" .env | tail -n 1 | sed 's/^"\(.*\)"$/\1/' || true; }
: "${DATABASE_URL:=$(from_env DATABASE_URL)}"
: "${STORAGE_DIR:=$(from_env STORAGE_DIR)}"
: "${BACKUP_DIR:=$(from_env BACKUP_DIR)}"
: "${AGE_RECIPIENT:=$(from_env AGE_RECIPIENT)}"
: "${KEEP_DAYS:=$(from_env KEEP_DAYS)}"
: "${DATABASE_URL:=postgresql://postgres@127.0.0.1:5432/lifeline}"
: "${STORAGE_DIR:=./data}"
: "${BACKUP_DIR:=/var/backups/lifeline}"
: "${KEEP_DAYS:=30}"
if [ -z "${AGE_RECIPIENT:-}" ]; then
  echo "Set AGE_RECIPIENT to the age public key (age1...) backups are encrypted to" >&2
  exit 1
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077
mkdir -p "$BACKUP_DIR"

# The dump is one consistent snapshot; the files are copied right after it. Files newer than the
# dump (a page uploaded in those seconds) are harmless: the database does not point to them yet.
pg_dump --format=custom --no-owner --file="$work/lifeline.dump" "$DATABASE_URL"
tar -C "$(dirname "$STORAGE_DIR")" -cf "$work/storage.tar" "$(basename "$STORAGE_DIR")"
tar -C "$work" -cf - lifeline.dump storage.tar | age -r "$AGE_RECIPIENT" > "$BACKUP_DIR/lifeline-$stamp.tar.age.part"
mv "$BACKUP_DIR/lifeline-$stamp.tar.age.part" "$BACKUP_DIR/lifeline-$stamp.tar.age"

find "$BACKUP_DIR" -name 'lifeline-*.tar.age' -mtime +"$KEEP_DAYS" -delete
echo "Backup written: $BACKUP_DIR/lifeline-$stamp.tar.age"
