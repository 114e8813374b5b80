"""Celery tasks of the periodic reports: thin interfaces that call a service by id."""

from celery import shared_task
from django.conf import settings


@shared_task(name="reporting.draft_periodic_reports", acks_late=True, ignore_result=True)
def draft_periodic_reports(today: str | None = None) -> int:
    """Beat's daily entry: a draft for every province of each period that has closed (idempotent).
    `today` (ISO date) only for tests and reruns of a missed day."""
    import datetime

    from .report_services import reports_draft_closed_periods

    return len(reports_draft_closed_periods(today=datetime.date.fromisoformat(today) if today else None))


@shared_task(name="reporting.render_report_run", bind=True, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, max_retries=None)
def render_report_run(self, run_id: int) -> None:
    """Render a run's PDF and XLSX. A failure is recorded on the run and retried with exponential
    backoff (REPORTS_RENDER_RETRY_BACKOFF seconds, doubling), up to REPORTS_RENDER_MAX_RETRIES; the
    page's retry button queues it again after that. A worker killed mid-render: the message is not
    acknowledged (acks_late), so it is delivered again and the same run is finished."""
    from .report_render import run_render

    try:
        run_render(run_id)
    except Exception as error:
        retries = self.request.retries
        if retries >= int(getattr(settings, "REPORTS_RENDER_MAX_RETRIES", 3)):
            return
        backoff = float(getattr(settings, "REPORTS_RENDER_RETRY_BACKOFF", 30))
        raise self.retry(exc=error, countdown=backoff * 2 ** retries) from error
