"""Frozen documents: each rendered once (at archiving, or at issue for the receipt) and
stored with its hash."""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from departments import clock
from disputes.models import Dispute


def archive_path(instance: "ArchivedDocument", filename: str) -> str:
    folder = instance.dispute.archive_number or instance.dispute.number
    return f"archive/{folder}/{filename}"


class ArchivedDocument(models.Model):
    """One document of a case as it was rendered at archiving, or at issue for a document
    handed out (the receipt: each copy issued is one row). Never re-rendered.

    ``sha256`` is the hash of the stored bytes: ``verify`` tells an intact file from an
    altered or missing one (``manage.py verify_archive``, the case page, every download).
    """

    class Integrity(models.TextChoices):
        INTACT = "intact", _("Intact")
        ALTERED = "altered", _("Altered")
        MISSING = "missing", _("Missing")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("case"), on_delete=models.PROTECT, related_name="archived_documents"
    )
    kind = models.CharField(_("document kind"), max_length=40)
    # Which one, for kinds a case has several of: a department's code, a meeting's id.
    part = models.CharField(_("part"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position in the file"), default=0)
    # A document handed out at issue (the receipt) is frozen then; a re-issue is a new copy.
    copy = models.PositiveSmallIntegerField(_("copy number"), default=1)
    file = models.FileField(_("file"), upload_to=archive_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pages"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    rendered_at = models.DateTimeField(_("rendered at"), default=clock.now)

    class Meta:
        verbose_name = _("archived document")
        verbose_name_plural = _("archived documents")
        ordering = ["dispute", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "kind", "part", "copy"], name="archived_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.title}"

    def read(self) -> bytes | None:
        """The stored bytes, or None when the file is gone from storage."""
        try:
            with self.file.open("rb") as handle:
                return handle.read()
        except (FileNotFoundError, ValueError):
            return None

    def verify(self, data: bytes | None = None) -> str:
        data = self.read() if data is None else data
        if data is None:
            return self.Integrity.MISSING
        if hashlib.sha256(data).hexdigest() != self.sha256:
            return self.Integrity.ALTERED
        return self.Integrity.INTACT
