"""The worker's side of the webhooks: deliver what is due (idempotent: what was sent is no
longer due). Beat runs it every 30 seconds; a change nudges it at once."""

from celery import shared_task

from . import delivery


@shared_task(name="webhooks.deliver_due", ignore_result=True)
def webhooks_deliver() -> int:
    return delivery.deliver_due()
