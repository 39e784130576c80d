"""The payers' text messages, on the case's own events (connected in ``DisputesConfig.ready``):
at registration, and when the written reply is given."""

from disputes.sms import catalogue, services


def on_registered(sender, *, dispute, **kwargs) -> None:
    services.payer_texted(dispute=dispute, template_code=catalogue.PAYER_REGISTERED)


def on_transition(sender, *, instance, name, **kwargs) -> None:
    if name == "reply":
        services.payer_texted(dispute=instance, template_code=catalogue.PAYER_REPLIED)
