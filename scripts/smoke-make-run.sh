#!/usr/bin/env bash
# Smoke test of the README's quick start, as a newcomer runs it: `make run` on SQLite with the filesystem
# broker (no DATABASE_URL, no CELERY_BROKER_URL, no EMAIL_URL), started in the background. Then, over HTTP:
# log in as the demo caseworker (password, then the demo second factor), open the person list and a person; check that the worker ran the beat's
# heartbeat; trigger the reminder sweep and the daily digests through the broker and find an e-mail file in
# var/mail/ as the README says. Stops everything it started. Exit 0 only if every check passed.
#
#   bash scripts/smoke-make-run.sh        (from the checkout; uses var/ like `make run`, or CASEWORK_VAR_DIR)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
unset DATABASE_URL CELERY_BROKER_URL EMAIL_URL DJANGO_ALLOWED_HOSTS 2>/dev/null || true
export DJANGO_DEBUG=1  # what `make run` sets; the `celery call` below reads the same settings
# On a fresh checkout this is var/, as in the README. Where var/ already holds a database (a developer's
# checkout: today's digests may be sent already), a fresh var/smoke/ is used instead, emptied first.
VAR_DIR="${CASEWORK_VAR_DIR:-var}"
if [ -e "${VAR_DIR}/casework.sqlite3" ]; then
    VAR_DIR="var/smoke"
    rm -rf "${VAR_DIR}"
    export CASEWORK_VAR_DIR="${VAR_DIR}"
    echo "var/ is in use: this run uses ${VAR_DIR}/ instead."
fi
BASE_URL="http://127.0.0.1:8000"
PASSWORD="casework-demo"
WORK=$(mktemp -d)
LOG="${WORK}/make-run.log"
JAR="${WORK}/cookies"
PID=""

stop() {
    if [ -n "${PID}" ] && kill -0 "${PID}" 2>/dev/null; then
        # make, honcho, runserver, worker and beat share the process group started by setsid.
        kill -TERM -- "-${PID}" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "${PID}" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-${PID}" 2>/dev/null || true
    fi
    rm -rf "${WORK}"
}
trap stop EXIT

fail() {
    echo "SMOKE FAILED: $*" >&2
    echo "--- last lines of the make run output:" >&2
    tail -n 40 "${LOG}" >&2 || true
    exit 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll once a second.
wait_for() {
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
        kill -0 "${PID}" 2>/dev/null || fail "make run exited while waiting for ${what}"
        [ "${SECONDS}" -lt "${deadline}" ] || fail "timed out waiting for ${what}"
        sleep 1
    done
    echo "ok: ${what}"
}

if curl -s -o /dev/null "${BASE_URL}/health/"; then
    fail "something already answers at ${BASE_URL}; stop it first"
fi

started=$SECONDS
setsid make --no-print-directory run >"${LOG}" 2>&1 </dev/null &
PID=$!

wait_for 600 "the URL printed by make run" grep -q "Casework is starting at ${BASE_URL}/" "${LOG}"
wait_for 60 "the web server" curl -sf -o /dev/null "${BASE_URL}/health/"
echo "make run answered after $((SECONDS - started)) s"

# Log in as the demo caseworker (CSRF token from the login form, cookies in a jar).
login_page=$(curl -sf -c "${JAR}" -b "${JAR}" "${BASE_URL}/accounts/login/")
csrf=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' <<<"${login_page}" | head -n 1)
[ -n "${csrf}" ] || fail "no CSRF token on the login page"
status=$(curl -s -o /dev/null -w '%{http_code}' -c "${JAR}" -b "${JAR}" -e "${BASE_URL}/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=${csrf}" --data-urlencode "username=caseworker" \
    --data-urlencode "password=${PASSWORD}" "${BASE_URL}/accounts/login/")
[ "${status}" = "302" ] || fail "login as caseworker answered ${status}, not a redirect"
# The second factor: the demo users' authenticator code, as `make run` says (manage.py demo_code).
factor_page=$(curl -sf -c "${JAR}" -b "${JAR}" "${BASE_URL}/accounts/second-factor/")
csrf=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' <<<"${factor_page}" | head -n 1)
[ -n "${csrf}" ] || fail "no second-factor form after the password"
code=$(.venv/bin/python manage.py demo_code)
status=$(curl -s -o /dev/null -w '%{http_code}' -c "${JAR}" -b "${JAR}" -e "${BASE_URL}/accounts/second-factor/" \
    --data-urlencode "csrfmiddlewaretoken=${csrf}" --data-urlencode "token=${code}" \
    "${BASE_URL}/accounts/second-factor/")
[ "${status}" = "302" ] || fail "the second factor of caseworker answered ${status}, not a redirect"
echo "ok: logged in as caseworker (password and second factor)"

list=$(curl -sf -b "${JAR}" "${BASE_URL}/persons/") || fail "the person list did not answer 200"
person=$(grep -o 'href="/persons/[0-9a-f-]\{36\}/"' <<<"${list}" | head -n 1 | cut -d'"' -f2)
[ -n "${person}" ] || fail "the person list shows no person"
curl -sf -o /dev/null -b "${JAR}" "${BASE_URL}${person}" || fail "the person page ${person} did not answer 200"
echo "ok: person list and a person page"

# Beat sends the heartbeat every 60 s; the worker records it.
# A heartbeat left in var/ by an earlier run does not count: it must be younger than this run.
heartbeat_seen() {
    local age
    age=$(curl -sf "${BASE_URL}/health/" | sed -n 's/.*"worker_last_seen_seconds_ago": \([0-9]*\).*/\1/p')
    [ -n "${age}" ] && [ "${age}" -le $((SECONDS - started)) ]
}
wait_for 150 "the worker heartbeat (beat -> broker -> worker)" heartbeat_seen

# Through the broker to the worker: raise today's reminders, then send the daily digests.
export PATH="$(pwd)/.venv/bin:${PATH}"
touch "${WORK}/before-digest"
# No wait between the two: the one worker (concurrency 1, prefetch 1, late acks) takes the filesystem queue in
# the order of publication and finishes the sweep before it starts the digests.
celery -A casework call casework.reminders.tasks.sweep_reminders >/dev/null
celery -A casework call casework.reminders.tasks.email_daily_digests >/dev/null
mail_written() { [ -n "$(find "${VAR_DIR}/mail" -type f -newer "${WORK}/before-digest" -print -quit 2>/dev/null)" ]; }
wait_for 180 "a digest e-mail file in ${VAR_DIR}/mail/" mail_written

echo "Smoke test of make run passed in $((SECONDS - started)) s."
