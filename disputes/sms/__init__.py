"""Text messages (短信): to officers when they have new work, are urged on or are overdue, and
to payers who asked for them at registration (the case number and query code, then the reply).

- ``backends``: where a message goes, chosen by ``settings.SMS_BACKEND`` (like Django's e-mail
  backends): the console, a file, memory (tests) or the HTTP gateway.
- ``catalogue``: the templates' codes, default texts and placeholders, and which notice kinds
  (``disputes.notifications.notify``) text officers with which template.
- ``models``: ``SmsTemplate`` (the texts, edited in the admin) and ``SmsMessage`` (the log and
  the queue: every message is a row, sent by the worker once the transaction commits).
- ``services``: queuing (never raising into what caused it) and sending (claim, send, retry).
"""
