"""Celery tasks of the accounts app: thin interfaces that fetch by id and call accounts.webhooks."""

from celery import shared_task


@shared_task(name="accounts.webhook_fanout", acks_late=True, ignore_result=True)
def webhook_fanout(event: str, pk: int, occurred_at: str | None = None) -> None:
    from .webhooks import fanout

    fanout(event, pk, occurred_at)


@shared_task(name="accounts.webhook_deliver", bind=True, acks_late=True, ignore_result=True, max_retries=None)
def webhook_deliver(self, delivery_id: int) -> None:
    """POST one delivery; on failure retry with exponential backoff until WEBHOOK_MAX_ATTEMPTS."""
    from .models import WebhookDelivery
    from .webhooks import attempt, backoff

    delivery = WebhookDelivery.objects.select_related("client").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (delivery.Status.DELIVERED, delivery.Status.FAILED):
        return
    if not attempt(delivery) and delivery.status == delivery.Status.RETRYING:
        raise self.retry(countdown=backoff(delivery.attempts))
