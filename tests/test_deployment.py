"""The production commands bound what one request or one worker may take (README: Deploying)."""

import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent


def dockerfile_command() -> list[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    (line,) = [line for line in text.splitlines() if line.startswith("CMD ")]
    return json.loads(line[len("CMD ") :])


def compose_command(service: str) -> str:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    block = re.search(rf"\n  {service}:\n(.*?)(?=\n  \S|\nvolumes:)", text, re.S).group(1)
    return re.search(r"command: (\[.*?\])", block, re.S).group(1)


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_gunicorn_gives_a_streamed_export_time_and_recycles_its_workers():
    command = dockerfile_command()
    assert command[0] == "gunicorn"
    assert int(option(command, "--timeout")) >= 120  # gunicorn's 30 s cuts a large export
    assert int(option(command, "--max-requests")) > 0
    assert int(option(command, "--max-requests-jitter")) > 0
    web = compose_command("web")
    for name in ("--timeout", "--max-requests", "--max-requests-jitter"):
        assert f'"{name}"' in web, name
    assert "${GUNICORN_TIMEOUT:-120}" in web


def test_the_celery_worker_replaces_its_processes():
    assert "--max-tasks-per-child=" in compose_command("worker")


def test_the_callbacks_have_a_queue_and_every_queue_a_worker():
    """The hotlines' callbacks wait on a queue of their own; each deployment consumes it."""
    from django.conf import settings

    routed = {name: route["queue"] for name, route in settings.CELERY_TASK_ROUTES.items()}
    assert routed == {
        "api.tasks.deliver_event": "callbacks",
        "api.tasks.send_due_deliveries": "callbacks",
    }
    worker = json.loads(compose_command("worker"))
    callbacks = json.loads(compose_command("callbacks"))
    assert option(worker, "-Q") == "celery" and option(callbacks, "-Q") == "callbacks"
    run = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert "-Q celery,callbacks" in run
