import os
from urllib.parse import urlsplit, urlunsplit

import psycopg2


def use_bench_database() -> None:
    """Point DATABASE_URL at a ``<name>_bench`` database on the same server, created afresh."""
    url = urlsplit(os.environ["DATABASE_URL"])
    name = (url.path.lstrip("/") or "centre") + "_bench"
    admin = urlunsplit(url._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    os.environ["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
