#!/usr/bin/env bash
# Start the centre for local use: a Celery worker with embedded beat in the background and the
# Django development server, and stays until one of them ends. Ctrl-C (or SIGTERM to this script)
# stops both.
# Called by `make run` after set-up; HOST and PORT choose the address (default 127.0.0.1:8000).
#
# A centre uses what this starts, so it runs with DEBUG off (no debug pages with the settings and
# the payers' data in them) unless asked: `DEBUG=true make run`. With DEBUG off Django needs a
# SECRET_KEY (one is generated into var/secret_key on the first run and reused, so sessions
# survive a restart) and collected static files (served by WhiteNoise).
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
BIN=.venv/bin
mkdir -p var

export DEBUG=${DEBUG:-false}
# The development server speaks plain http: cookies marked Secure would never be sent back, and
# the log-in form would fail its CSRF check. Set SECURE_COOKIES=true behind an https proxy.
export SECURE_COOKIES=${SECURE_COOKIES:-false}
if [ -z "${SECRET_KEY:-}" ]; then
    if [ ! -s var/secret_key ]; then
        (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))' \
            > var/secret_key)
        echo "run: generated a secret key in var/secret_key (keep it; delete it to log everyone out)"
    fi
    SECRET_KEY=$(cat var/secret_key)
    export SECRET_KEY
fi
if [ -z "${ALLOWED_HOSTS:-}" ] && [ "$HOST" != 127.0.0.1 ] && [ "$HOST" != localhost ]; then
    if [ "$HOST" = 0.0.0.0 ] || [ "$HOST" = "::" ]; then
        echo "run: listening on every address; set ALLOWED_HOSTS to the names or addresses" \
            "the centre's browsers use (only localhost is allowed now)" >&2
    else
        export ALLOWED_HOSTS="localhost,127.0.0.1,[::1],$HOST"
    fi
fi

"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py load_reference_data
"$BIN/python" manage.py load_demo
"$BIN/python" manage.py collectstatic --noinput --verbosity 0

worker=""
server=""

stop() {  # stop <pid> <name>: SIGTERM, then SIGKILL if it has not gone after 20 s
    local pid=$1 name=$2 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    echo "run: stopping the $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.5
    done
    echo "run: the $name did not stop in time; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    trap - EXIT INT TERM
    stop "$server" "web server"
    stop "$worker" "Celery worker"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One worker for everything here: the default queue and the callbacks to the hotlines.
"$BIN/celery" -A config worker -B -Q celery,callbacks --loglevel=INFO --concurrency=1 \
    -s var/celerybeat-schedule &
worker=$!

"$BIN/python" manage.py runserver "$HOST:$PORT" &
server=$!

# The demo logins, printed with the address once the server answers, so that neither is lost
# above the start-up logs.
logins=$("$BIN/python" manage.py load_demo --logins-only 2>/dev/null || true)

for _ in $(seq 1 60); do
    kill -0 "$server" 2>/dev/null && kill -0 "$worker" 2>/dev/null || break
    if timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$PORT" 2>/dev/null; then
        cat <<BANNER

  ==> The centre is running at  http://$HOST:$PORT/
$logins

      Celery worker + beat: pid $worker.
      Press Ctrl-C to stop the server and the worker.

BANNER
        break
    fi
    sleep 0.5
done

# Whichever ends first (a crash, or a signal to it), stop the other one too. A polling loop
# rather than `wait -n`, which misses a process that ended before it was called.
while kill -0 "$server" 2>/dev/null && kill -0 "$worker" 2>/dev/null; do
    sleep 1 &
    wait $! || true  # returns at once when a trapped signal (Ctrl-C) arrives
done
status=0
if ! kill -0 "$server" 2>/dev/null; then
    wait "$server" || status=$?
    echo "run: the web server exited (status $status)" >&2
else
    wait "$worker" || status=$?
    echo "run: the Celery worker exited (status $status)" >&2
fi
exit "$status"
