from dataclasses import dataclass


class SmsSendError(Exception):
    """A message could not be sent (raised by a backend unless ``fail_silently``)."""


@dataclass
class Outgoing:
    """One text message to send. A backend sets ``gateway_id`` (the id its gateway gave the
    message) when it sent it, ``error`` (what went wrong) when it did not."""

    phone: str
    text: str
    template: str = ""
    reference: str = ""  # our id of the message (SmsMessage's), passed to the gateway
    gateway_id: str = ""
    error: str = ""


class BaseSmsBackend:
    """Subclasses implement ``send_messages``. ``fail_silently``: a failure is recorded on the
    message (``error``) and not raised."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        self.fail_silently = fail_silently

    def send_messages(self, messages: list[Outgoing]) -> int:
        """Send the messages; how many were sent."""
        raise NotImplementedError("subclasses of BaseSmsBackend must provide send_messages()")

    def failed(self, message: Outgoing, error: str) -> None:
        message.error = error
        if not self.fail_silently:
            raise SmsSendError(error)
