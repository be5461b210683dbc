"""Documents: files kept for a client (DESIGN §1), uploaded by staff or by the client's portal
users, shown in the portal only when shared.

The file itself lives in Django's storage under a generated name (`documents/storage.py`):
`name` is what people call it, `filename` the (cleaned) name it was uploaded with, the one a
download offers. A deleted document keeps its file (`deleted_at`): nobody reaches it any more.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.fields import person_who_did_it
from clientdesk.core.tenancy import ClientOwnedModel


class Document(ClientOwnedModel):
    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    stored_name = models.CharField(max_length=300)  # in the storage; never the uploader's name
    size = models.BigIntegerField(_("size"))
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    shared_with_portal = models.BooleanField(_("shared with the portal"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Set when a portal user posted it: the client's contact they act as.
    uploaded_by_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )  # fmt: skip
    uploaded_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = person_who_did_it()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["account", "client", "uploaded_at"], name="document_client_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def by_portal(self) -> bool:
        return self.uploaded_by_contact_id is not None
