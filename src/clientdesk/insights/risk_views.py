"""Settings › Risk rules (owners and admins: rules on or off, thresholds, *Run now*) and the
dismissal of a client's risk (managers and above). Thin: the rules live in services.py."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clientdesk.clients.queries import get_client
from clientdesk.core.forms import add_errors
from clientdesk.core.roles import require
from clientdesk.insights import risk, services

CAPABILITY = "account.manage"


class RulesForm(forms.Form):
    """One checkbox and one threshold per registered rule (`on_<key>`, `n_<key>`)."""

    def __init__(self, *args, states: list[risk.RuleState], **kwargs):
        super().__init__(*args, **kwargs)
        self.states = states
        for state in states:
            self.fields[f"on_{state.key}"] = forms.BooleanField(
                label=state.rule.label, required=False, initial=state.enabled
            )
            self.fields[f"n_{state.key}"] = forms.IntegerField(
                label=_("Threshold of %(rule)s") % {"rule": state.rule.label},
                min_value=1,
                max_value=services.THRESHOLD_MAX,
                initial=state.threshold,
            )

    def rows(self):
        return [(state, self[f"on_{state.key}"], self[f"n_{state.key}"]) for state in self.states]

    def rules(self) -> dict[str, tuple[bool, int]]:
        data = self.cleaned_data
        return {s.key: (data[f"on_{s.key}"], data[f"n_{s.key}"]) for s in self.states}

    def add_error(self, field, error):
        # The service names rules by key; the form's field for it is its threshold.
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            error = ValidationError(
                {
                    (f"n_{k}" if f"n_{k}" in self.fields else k): v
                    for k, v in error.error_dict.items()
                }
            )
        super().add_error(field, error)


class DismissForm(forms.Form):
    days = forms.TypedChoiceField(
        label=gettext_lazy("Not at risk for"),
        coerce=int,
        choices=[
            (30, gettext_lazy("30 days")),
            (60, gettext_lazy("60 days")),
            (90, gettext_lazy("90 days")),
            (180, gettext_lazy("180 days")),
        ],
        initial=30,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


@require_http_methods(["GET", "POST"])
def risk_settings(request) -> HttpResponse:
    require(request.membership, CAPABILITY)
    states = risk.rule_states(request.account)
    form = RulesForm(request.POST or None, states=states)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_rules_save(
                account=request.account, actor=request.membership, rules=form.rules()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Risk rules saved. They run every day."))
            return redirect("risk_settings", account_slug=request.account.slug)
    return render(
        request,
        "insights/risk_settings.html",
        {"section": "risk", "form": form, "last_run": risk.last_run(request.account)},
        status=400 if form.errors else 200,
    )


@require_POST
def risk_run(request) -> HttpResponse:
    require(request.membership, CAPABILITY)
    run = services.risk_evaluate(account=request.account, actor=request.membership)
    messages.success(
        request,
        ngettext(
            "Risk rules run: %(flagged)s client moved to at risk (%(matched)s met a rule).",
            "Risk rules run: %(flagged)s clients moved to at risk (%(matched)s met a rule).",
            run.flagged,
        )
        % {"flagged": run.flagged, "matched": run.matched},
    )
    return redirect("risk_settings", account_slug=request.account.slug)


@require_POST
def risk_dismiss(request, client_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.status")
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            dismissal = services.risk_dismiss(
                client=client,
                actor=request.membership,
                days=form.cleaned_data["days"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(client)s is not at risk until %(day)s: the rules leave it alone until then.")
                % {"client": client.name, "day": dismissal.until.isoformat()},
            )
    else:
        messages.error(request, _("Choose for how long."))
    return redirect("client_detail", account_slug=request.account.slug, client_id=client.pk)
