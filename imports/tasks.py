"""Celery tasks of imports: thin interfaces that call a run by id."""

from celery import shared_task


@shared_task(name="imports.check_import", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def check_import(batch_id: int) -> None:
    from .runs import check_batch

    check_batch(batch_id)


@shared_task(name="imports.run_import", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_import(batch_id: int) -> None:
    from .runs import import_batch

    import_batch(batch_id)
