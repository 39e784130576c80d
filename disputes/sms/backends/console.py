"""Development: each message printed to standard output (the phone masked), nothing sent."""

import sys
import threading

from disputes.sms.backends.base import BaseSmsBackend
from disputes.validators import mask_phone


class SmsBackend(BaseSmsBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream
        self._lock = threading.RLock()

    def send_messages(self, messages) -> int:
        stream = self.stream or sys.stdout
        with self._lock:
            for message in messages:
                stream.write(f"SMS {mask_phone(message.phone)} [{message.template}]\n")
                stream.write(f"{message.text}\n")
                stream.write("-" * 40 + "\n")
            stream.flush()
        return len(messages)
