"""Each message appended to ``settings.SMS_FILE_PATH`` as one JSON line (phone, template, text,
reference, time), nothing sent: for a test centre, or to read what would have gone out."""

import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from disputes.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.path = Path(file_path or settings.SMS_FILE_PATH)

    def send_messages(self, messages) -> int:
        if not messages:
            return 0
        lines = "".join(
            json.dumps(
                {
                    "at": timezone.now().isoformat(),
                    "phone": m.phone,
                    "template": m.template,
                    "reference": m.reference,
                    "text": m.text,
                },
                ensure_ascii=False,
            )
            + "\n"
            for m in messages
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One write in append mode: processes writing at once do not interleave their lines.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, lines.encode("utf-8"))
        finally:
            os.close(fd)
        return len(messages)
