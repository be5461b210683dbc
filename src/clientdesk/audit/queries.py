from django.db.models import Q

from clientdesk.audit.models import Activity

# The activity entry of an import job stands for every record the job created (transfer.events);
# such a record keeps the job's id in this field, and its timeline shows the job's entry.
IMPORTED_BY = "imported_by_job"
JOB = "transfer.importjob"


def activity_for_account(*, account):
    return Activity.objects.for_account(account).select_related("actor").order_by("-at", "-id")


def activity_for_target(*, target):
    """One object's entries, newest first: its own, and the entry of the import job that
    created it (read it with audit.sentences.sentences(..., about=target))."""
    about = Q(target_type=target._meta.label_lower, target_id=str(target.pk))
    job = getattr(target, IMPORTED_BY, None)
    if job is not None:
        about |= Q(target_type=JOB, target_id=str(job))
    return (
        Activity.objects.for_account(target.account_id)
        .filter(about)
        .select_related("actor")
        .order_by("-at", "-id")
    )
