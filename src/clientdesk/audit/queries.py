from clientdesk.audit.models import Activity


def activity_for_account(*, account):
    return Activity.objects.for_account(account).select_related("actor").order_by("-at", "-id")


def activity_for_target(*, target):
    """One object's entries, newest first."""
    return (
        Activity.objects.for_account(target.account_id)
        .filter(
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )
