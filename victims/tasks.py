"""Celery tasks of the case file: thin interfaces that fetch by id and call a service."""

from celery import shared_task


@shared_task(name="victims.render_handover_pdf", acks_late=True, ignore_result=True)
def render_handover_pdf(handover_id: int) -> None:
    """Render and store the handover record (queued after the handover commits)."""
    from .handover_pdf import handover_store_pdf

    handover_store_pdf(handover_id)
