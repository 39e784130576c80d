"""Reactions to the case's transitions."""

from django.db import transaction


def on_transition(sender, instance, name, source, target, **kwargs):
    """post_transition: once an archiving commits, freeze the case file in the background.

    Rendering a whole file takes seconds, too long for the request that archives.
    """
    if name != "archive":
        return
    from reports.tasks import freeze_archive

    dispute_id = instance.pk
    transaction.on_commit(lambda: freeze_archive.delay(dispute_id))
