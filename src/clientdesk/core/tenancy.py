"""Tenant models: every row belongs to one account, and every read says whose.

A tenant model's manager hands out querysets that refuse to run until they are scoped:
`Model.objects.for_account(account)` (the account alone) or `.for_member(membership)` (the
account, the member's client allow-list or deny-list with its subtrees, and soft deletion). A
query that reaches the database unscoped raises `ScopeError` — in the spirit of django-scopes,
which pretix uses; we keep explicit calls rather than its implicit per-request filter, so a read
says which of the two scopes it means. Commands, tasks, migrations and the derived-table
rebuilds, which work across accounts on purpose, run inside `unscoped()`.

Related managers (`client.contacts.all()`) count as scoped: they start from an object that was
itself read through a scope. Which clients a member sees is the clients domain's rule, handed to
this module at start-up (`client_rule_set`), so the core knows no domain.
"""

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q
from django.http import Http404

_unscoped = contextvars.ContextVar("clientdesk_unscoped", default=False)


class ScopeError(RuntimeError):
    """A tenant model was queried without saying whose rows it wants."""


@contextmanager
def unscoped() -> Iterator[None]:
    """Allow unscoped queries of tenant models (commands, tasks, rebuilds): say why at the call."""
    token = _unscoped.set(True)
    try:
        yield
    finally:
        _unscoped.reset(token)


@contextmanager
def enforced() -> Iterator[None]:
    """Scoping enforced again, whatever the caller allowed (every request runs inside this)."""
    token = _unscoped.set(False)
    try:
        yield
    finally:
        _unscoped.reset(token)


def unscoped_from_here() -> None:
    """For a script's own set-up and checks (the benchmarks): the rest of this context reads
    across accounts. The requests it sends still run enforced (TenancyMiddleware)."""
    _unscoped.set(True)


def is_unscoped() -> bool:
    return _unscoped.get()


# The clients domain's visibility rule: (membership, path to the client: "" or "client__") → Q.
ClientRule = Callable[[Any, str], Q]
_client_rule: list[ClientRule] = []


def client_rule_set(rule: ClientRule) -> None:
    _client_rule[:] = [rule]


def client_rule(membership, path: str) -> Q:
    if not _client_rule:
        raise ScopeError("no client visibility rule registered (is the clients app installed?)")
    return _client_rule[0](membership, path)


def _account_id(account) -> int:
    account_id = account if isinstance(account, int) else getattr(account, "pk", None)
    if account_id is None:
        raise ScopeError("a tenant query needs an account")
    return account_id


class TenantQuerySet(models.QuerySet):
    _tenant_scoped = False

    def _clone(self):
        clone = super()._clone()
        clone._tenant_scoped = self._tenant_scoped
        return clone

    def _scoped(self):
        clone = self._chain()
        clone._tenant_scoped = True
        return clone

    def for_account(self, account) -> "TenantQuerySet":
        """This account's rows (an Account or its id)."""
        return self.filter(account_id=_account_id(account))._scoped()

    def for_member(self, membership) -> "TenantQuerySet":
        """The rows this member may see: the account, the client limits, not deleted."""
        qs = self.for_account(membership.account_id)
        return self.model.member_filter(qs, membership)._scoped()

    def for_client(self, client) -> "TenantQuerySet":
        """The rows of one client (of a client-owned model), itself read in a scope."""
        return self.filter(account_id=client.account_id, client_id=client.pk)._scoped()

    def of_outer_client(self) -> "TenantQuerySet":
        """The rows of the client of the outer row, as a correlated subquery of a query on
        clients (`Subquery(Model.objects.of_outer_client()…)` annotated on a clients
        queryset): scoped by that outer client's account and id, which was itself read in a
        scope."""
        return self.filter(account_id=OuterRef("account_id"), client_id=OuterRef("pk"))._scoped()

    def of_user(self, user) -> "TenantQuerySet":
        """One person's rows across their accounts (memberships, portal accesses): how the
        request finds its account in the first place."""
        return self.filter(user=user)._scoped()

    def by_token_hash(self, token_hash: str) -> "TenantQuerySet":
        """The row a secret link or token names (unique across accounts), before any account
        is known."""
        return self.filter(token_hash=token_hash)._scoped()

    def _check(self) -> None:
        if not self._tenant_scoped and not _unscoped.get():
            raise ScopeError(
                f"{self.model._meta.label} queried without for_account() or for_member()"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._check()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._check()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check()
        return super().update(**kwargs)

    def delete(self):
        self._check()
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None):
        # Updates the objects handed over by primary key: the caller read them in a scope.
        with unscoped():
            return super().bulk_update(objs, fields, batch_size=batch_size)

    def resolve_expression(self, *args, **kwargs):  # used inside another query: `pk__in=qs`
        self._check()
        return super().resolve_expression(*args, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    def get_queryset(self):
        qs = super().get_queryset()
        # A related manager (`client.contacts`) filters by an object already read in scope.
        qs._tenant_scoped = hasattr(self, "instance")
        return qs


M = TypeVar("M", bound=models.Model)


class TenantModel(models.Model):
    """A row that belongs to one account; its indexes start with `account_id` (DESIGN §6)."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    objects = TenantManager()

    class Meta:
        abstract = True

    @classmethod
    def member_filter(cls, qs: TenantQuerySet, membership) -> TenantQuerySet:
        """What a member may see of this model's account rows (a model may narrow it)."""
        if any(f.name == "deleted_at" for f in cls._meta.concrete_fields):
            qs = qs.filter(deleted_at=None)
        return qs

    # Django's own uniqueness checks (full_clean) read through the default manager; every
    # unique constraint of a tenant model includes the account, so they cannot cross it.
    def validate_unique(self, exclude=None):
        with unscoped():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None):
        with unscoped():
            super().validate_constraints(exclude=exclude)


class ClientOwnedModel(TenantModel):
    """A row that belongs to one client of an account (contacts, tickets, devices, …): a member
    sees it exactly when they see its client."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    @classmethod
    def member_filter(cls, qs: TenantQuerySet, membership) -> TenantQuerySet:
        qs = super().member_filter(qs, membership).filter(client__deleted_at=None)
        return qs.filter(client_rule(membership, "client__"))


def get_for(membership, model_or_qs: type[M] | models.QuerySet[M], pk, **lookup) -> M:
    """The object `pk` if this member may see it, else 404 — "missing" and "not yours" alike."""
    if isinstance(model_or_qs, models.QuerySet):
        qs = model_or_qs.for_member(membership)  # type: ignore[attr-defined]
    else:
        qs = model_or_qs.objects.for_member(membership)  # type: ignore[attr-defined]
    return get_or_404(qs, pk=pk, **lookup)


def get_or_404(qs: models.QuerySet[M], **lookup) -> M:
    """The one object of an already scoped queryset matching `lookup`, else 404 (a malformed
    id too: never a 500, never a hint that it exists)."""
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
