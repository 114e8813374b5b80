"""Celery tasks: thin interfaces that fetch by id and call a service."""

from celery import shared_task


@shared_task(name="support.render_decision_pdf", acks_late=True, ignore_result=True)
def render_decision_pdf(decision_id: int) -> None:
    """Render and store the PDF of an approved decision (queued after the decision commits)."""
    from .pdf import decision_store_pdf

    decision_store_pdf(decision_id)
