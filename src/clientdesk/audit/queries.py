from clientdesk.audit.models import Activity


def activity_for_account(*, account):
    return Activity.objects.filter(account=account).select_related("actor").order_by("-at", "-id")
