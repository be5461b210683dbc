from clientdesk.audit.models import Activity

# The activity entry of an import job stands for every record the job created (transfer.events);
# such a record keeps the job's id in this field, and its timeline shows the job's entry.
IMPORTED_BY = "imported_by_job"
JOB = "transfer.importjob"


def activity_for_account(*, account):
    return Activity.objects.for_account(account).select_related("actor").order_by("-at", "-id")


def activity_for_target(*, target):
    """One object's own entries, newest first."""
    return (
        Activity.objects.for_account(target.account_id)
        .filter(
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def activity_about(*, target, limit: int) -> list[Activity]:
    """The object's timeline: its latest `limit` entries, newest first, with the entry of the
    import job that created it among them (read them with audit.sentences.sentences(...,
    about=target)). Two reads by target (activity_target_idx) merged here: one query with
    an OR of both targets makes SQLite walk every entry of the account in time order."""
    entries = list(activity_for_target(target=target)[:limit])
    job = getattr(target, IMPORTED_BY, None)
    if job is not None:
        shared = (
            Activity.objects.for_account(target.account_id)
            .filter(target_type=JOB, target_id=str(job))
            .select_related("actor")
        )
        entries += list(shared[:1])
        entries.sort(key=lambda a: (a.at, a.pk), reverse=True)
    return entries[:limit]
