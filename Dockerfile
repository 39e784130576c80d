# Production image: gunicorn serving config.wsgi on port 8000; the same image runs the Celery
# worker and beat (see docker-compose.yml). Configuration comes from the environment:
# DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG=false, ALLOWED_HOSTS, ...

# --- sources, without local state (.venv, var/, .git, caches) even when there is no .dockerignore
FROM python:3.11-slim-bookworm AS source
COPY . /src
RUN cd /src \
    && rm -rf .venv var staticfiles media test-results .git .ci .pytest_cache .ruff_cache \
    && find . -name __pycache__ -prune -exec rm -rf {} + \
    && find . -name '*.sqlite3' -delete

# --- the image
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint's native libraries (pango, harfbuzz subset), a CJK font so that Chinese PDFs render,
# gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-noto-cjk \
        gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY --from=source /src /app
RUN pip install . && rm -rf build *.egg-info

# Translations and static files are built into the image. Settings need a SECRET_KEY when
# DEBUG is off; this one exists only during the build and is never used at run time.
RUN if [ -n "$(find . -name '*.po' -print -quit)" ]; then \
        DEBUG=false SECRET_KEY=build-only python manage.py compilemessages; \
    fi \
    && DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && rm -rf /app/var

# The CJK faces cut to the forms' characters, into var/fonts (reports/documents/fonts.py): a PDF
# form takes about two thirds of the time, and half the bytes, of one from the full faces.
RUN DEBUG=false SECRET_KEY=build-only python manage.py build_form_fonts

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home centre \
    && mkdir -p /app/var/media \
    && chown -R centre:centre /app/var
USER centre

EXPOSE 8000
# Worker processes: WEB_CONCURRENCY (gunicorn reads it); more with GUNICORN_CMD_ARGS.
# --timeout: a request may take up to 120 s, the longest being a streamed CSV export of
# EXPORT_MAX_ROWS rows (a sync worker must finish the whole response within it; gunicorn's
# default, 30 s, would kill a large export midway). --max-requests (with jitter, so that the
# workers do not restart together): each worker is replaced after about 500 requests, so the
# memory that rendering PDFs leaves behind (WeasyPrint, the CJK fonts) stays bounded.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--timeout", "120", "--max-requests", "500", "--max-requests-jitter", "50"]
