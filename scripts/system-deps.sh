#!/bin/sh
# Install the Debian packages the test suite needs, if any are missing.
#
#   chromium                               browser tests (Playwright drives /usr/bin/chromium)
#   fonts-noto-cjk                         Chinese text in PDFs
#   libpango-1.0-0 libpangoft2-1.0-0       WeasyPrint
#   libharfbuzz-subset0                    WeasyPrint (font subsetting)
#   gettext                                compilemessages
#   poppler-utils                          PDF checks (pdftotext, pdftoppm)
#   python3-venv                           only if Debian's python3 lacks ensurepip (make venv)
#
# Quiet when everything is present. Installs only when something is missing and it can
# (root and apt-get); otherwise warns and exits 0: the app itself runs without these.
set -eu

PACKAGES="chromium fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext poppler-utils"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: WARNING: dpkg-query not found (not Debian/Ubuntu?); cannot check for:" >&2
    echo "system-deps:   $PACKAGES" >&2
    echo "system-deps: install their equivalents by hand; PDF and browser tests may fail without them." >&2
    exit 0
fi

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $pkg" ;;
    esac
done
# Debian's own python3 cannot create the virtualenv without python3-venv (no ensurepip).
py=$(command -v "${PYTHON:-python3}" 2>/dev/null || true)
if [ -n "$py" ] && ! "$py" -c 'import ensurepip' >/dev/null 2>&1; then
    case "$(readlink -f "$py")" in
        /usr/bin/python3*) missing="$missing python3-venv" ;;
    esac
fi
missing=${missing# }

[ -z "$missing" ] && exit 0

warn() {
    echo "system-deps: WARNING: missing Debian packages: $missing" >&2
    echo "system-deps: $1" >&2
    echo "system-deps: install them with:" >&2
    echo "system-deps:   sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
    echo "system-deps: the app runs without them, but PDF, translation and browser tests need them." >&2
}

if [ "$(id -u)" -ne 0 ]; then
    warn "not running as root, so not installing them."
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    warn "apt-get not found, so not installing them."
    exit 0
fi

echo "system-deps: installing:$(printf ' %s' $missing)"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086  # word splitting of the package list is intended
if apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; then
    echo "system-deps: done."
else
    warn "apt-get failed (see above)."
fi
exit 0
