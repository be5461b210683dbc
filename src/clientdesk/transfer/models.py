"""An import run (or its preview), with its counts, progress and rejected rows."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.tenancy import TenantModel


class Mode(models.TextChoices):
    CREATE = "create", _("Create only")
    UPSERT = "upsert", _("Create and update")


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _upload_to(job: "ImportJob", filename: str) -> str:
    return f"imports/{job.account_id}/{timezone.now():%Y%m%d%H%M%S}-{filename[-80:]}"


class ImportJob(TenantModel):
    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who started it: the job reads and writes with this member's role and client limits, as
    # they stand when it runs (a resumed job too). Empty until someone starts it.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20)
    # A contacts import started from one client's Contacts tab: every row is that client's,
    # and the file needs no client column (a row naming another client is rejected).
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.UPSERT)
    dry_run = models.BooleanField(_("preview only"), default=False)
    file = models.FileField(upload_to=_upload_to, max_length=200, blank=True)  # empty: a local path
    filename = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    # What was found in the file: its headers, and per header position the field it fills
    # ("" for an ignored column), as guessed or as the person changed it.
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)  # estimated before the end
    # How far the writes got: records consumed and batches committed, saved with each batch.
    rows_done = models.PositiveIntegerField(default=0)
    # Rows set aside until the end of the file (their parent comes later), by row number.
    deferred = models.JSONField(default=list)
    counts = models.JSONField(default=dict)  # rows, created, updated, unchanged, rejected
    failure = models.TextField(blank=True)
    # A checked file that was then run is one job: the run keeps when its check began and
    # ended and what it counted (`dry_run` is then false; counts are the run's).
    check_started_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_counts = models.JSONField(default=dict, blank=True)
    # Dates: the order of day and month the person chose per date column on the check page
    # ({field: "dmy" | "mdy"}), and how each date column was read by the last check or run
    # ({field: {order, source, evidence, samples, ambiguous}}, transfer.dates.DateColumn).
    date_orders = models.JSONField(default=dict, blank=True)
    dates = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-created_at", "id"], name="import_job_idx")]

    @property
    def was_checked(self) -> bool:
        """A real run that continued its own check."""
        return not self.dry_run and self.checked_at is not None

    def __str__(self) -> str:
        return f"{self.kind} import {self.filename}"


class ImportRowError(TenantModel):
    """A rejected row: its number as the person sees it in the file, and the original values."""

    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField()
    field = models.CharField(max_length=60, blank=True)  # the column's header, "" for the row
    message = models.CharField(max_length=500)
    values = models.JSONField(default=list)

    class Meta:
        indexes = [
            models.Index(fields=["account", "job", "row", "id"], name="import_row_error_idx")
        ]

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"
