from django_tasks import task

from clientdesk.core.tenancy import unscoped
from clientdesk.transfer import engine
from clientdesk.transfer.models import ImportJob, State


@task()
def import_run(job_id: int) -> dict[str, int]:
    """Run (or, after a killed worker, resume) an import in the background."""
    with unscoped():  # a task: the job names its account
        job = ImportJob.objects.select_related("account").get(pk=job_id)
        if job.state in (State.DONE, State.FAILED):
            return job.counts
        return engine.run(job).counts
