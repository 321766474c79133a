"""Abstract models both apps build on: rows users edit under a version, and rows written once."""

from django.db import models
from django.db.models import CheckConstraint, Q
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

# Rows re-marked in bulk (`AppendOnlyQuerySet.remark`), which no save signal reports: sent with
# `rows`, each row's (pk, marking before), and the `marking` they now carry.
remarked = Signal()


def _choices_only(model, constraint) -> bool:
    """Say whether `constraint` only checks that fields hold one of their choices (or that the
    version is positive) and says nothing of its own: what `clean_fields` already checks."""
    if not isinstance(constraint, CheckConstraint):
        return False
    if constraint.violation_error_message != constraint.default_violation_error_message:
        return False
    condition = constraint.condition
    if not isinstance(condition, Q) or condition.negated or condition.connector != Q.AND:
        return False
    for child in condition.children:
        if not isinstance(child, tuple):
            return False
        lookup, value = child
        name, _separator, operator = lookup.partition("__")
        field = model._meta.get_field(name)
        if lookup == "version__gte" and value == 1:
            continue
        if operator != "in" or not field.choices:
            return False
        if set(value) != {choice for choice, _label in field.flatchoices}:
            return False
    return True


class Constrained(models.Model):
    """A row whose save validates only the constraints that can tell the user something:
    unique ones, and checks with a message of their own or a rule beyond the fields' choices.
    A check that a field holds one of its choices is `clean_fields`' already; run again, it
    costs one query per constraint on every save (Django validates each check against the
    database). The database still enforces every constraint."""

    class Meta:
        abstract = True

    def get_constraints(self):
        return [
            (declared_on, [c for c in constraints if not _choices_only(type(self), c)])
            for declared_on, constraints in super().get_constraints()
        ]


class Versioned(Constrained):
    """A row users edit: a version every write checks and moves on, and its timestamps."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk updates and deletions; the database's trigger refuses the rest."""

    what = "This table"

    def update(self, **kwargs):
        raise TypeError(f"{self.what} is append-only: updates are refused.")

    def delete(self):
        raise TypeError(f"{self.what} is append-only: deletions are refused.")

    def remark(self, marking: str) -> int:
        """Give these rows another release marking, the one column they may change."""
        if "marking" not in self.model.mutable_fields:
            raise TypeError(f"{self.what} is append-only: its markings cannot change.")
        rows = []
        if remarked.has_listeners(self.model):
            rows = list(models.QuerySet.values_list(self, "pk", "marking"))
        count = models.QuerySet.update(self, marking=marking)
        if rows:
            remarked.send(sender=self.model, rows=rows, marking=marking)
        return count


class AppendOnly(Constrained):
    """A row written once: saving it again or deleting it is refused (and, in the database,
    by the trigger `declaration_tracker.core.db.append_only_operations` adds)."""

    what = "This table"
    # Columns a row may still change (its release marking); the database's trigger lets
    # an UPDATE of these alone through, and refuses any other.
    mutable_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        changing = kwargs.get("update_fields")
        if not self._state.adding and not (changing and set(changing) <= set(self.mutable_fields)):
            raise TypeError(f"{self.what} is append-only: a row cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self.what} is append-only: a row cannot be deleted.")


class FromDataFile(models.Model):
    """A row the declaration's data file gives (a commitment, a dialogue mechanism): what the
    tracker adds is kept apart from the text's words, what it inferred is listed, and what the
    file said at the last load is remembered so that a reload keeps users' edits."""

    context = models.TextField(
        _("context added by the tracker"),
        blank=True,
        help_text=_("Background the declaration does not give, kept apart from its words."),
    )
    context_ja = models.TextField(
        _("context added by the tracker, in Japanese"),
        blank=True,
        help_text=_("The tracker's unofficial Japanese translation; empty: the English is shown."),
    )
    inferred_fields = models.JSONField(
        _("inferred fields"),
        default=list,
        blank=True,
        help_text=_("Fields whose value is the tracker's inference: the text does not state it."),
    )
    loaded_values = models.JSONField(
        _("values last loaded"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "What the data file said at the last load: a field still equal to it has not been "
            "edited, and follows the file."
        ),
    )

    class Meta:
        abstract = True
