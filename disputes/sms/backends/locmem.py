"""Tests: the messages kept in ``outbox`` (a module-level list), nothing sent."""

from disputes.sms.backends.base import BaseSmsBackend

outbox: list = []


class SmsBackend(BaseSmsBackend):
    def send_messages(self, messages) -> int:
        for number, message in enumerate(messages, start=len(outbox) + 1):
            message.gateway_id = f"locmem-{number}"
            outbox.append(message)
        return len(messages)
