"""Admin pieces both apps share: saving through a service, stale saves refused, rows to read."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from .versioning import StaleVersionError


class VersionedForm(forms.ModelForm):
    """A form that remembers which version it was loaded at, so a stale save is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != expected:
                raise ValidationError(
                    _(
                        "Someone else changed this since you opened it (version %(expected)s → "
                        "%(current)s). Reload the page and apply your change again."
                    ),
                    params={"expected": expected, "current": current},
                )
        return cleaned


class _Refused(Exception):
    """A service refused a save for a reason the user can act on (stale or invalid input)."""


class ServiceAdmin(admin.ModelAdmin):
    """Save through a service; show its refusals as messages. A permission refusal stays a 403."""

    def write(self, request, obj, form, change):  # pragma: no cover - overridden
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            saved = self.write(request, obj, form, change)
        except (StaleVersionError, ValidationError) as exc:
            raise _Refused(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        obj.pk = saved.pk
        obj._state.adding = False

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except _Refused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def changed_fields(form, fields) -> dict:
    return {f: form.cleaned_data[f] for f in fields if f in form.changed_data}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows to read: nobody adds, changes or deletes them in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent to read, never added or deleted there."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False
