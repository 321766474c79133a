"""Filter backends that answer a bad value with a 400 instead of ignoring it."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from declaration_tracker.core import registry

# Free-text parameters where an empty value means "no search".
EMPTY_ALLOWED = frozenset({"search"})


RANGE_SUFFIXES = ("after", "before", "min", "max")


class StrictDjangoFilterBackend(DjangoFilterBackend):
    """Refuse an empty parameter instead of silently not filtering by it, and name the
    parameter the client sent (`target_date_after`, not the filter `target_date`)."""

    def filter_queryset(self, request, queryset, view):
        params = request.query_params
        empty = sorted(
            name
            for name, values in params.lists()
            if name not in EMPTY_ALLOWED and any(value == "" for value in values)
        )
        if empty:
            raise ValidationError(
                {name: ["Empty value: give a value, or leave the parameter out."] for name in empty}
            )
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(self._errors_by_parameter(filterset.errors, params))
        return filterset.qs

    @staticmethod
    def _errors_by_parameter(errors, params) -> dict[str, list[str]]:
        named: dict[str, list[str]] = {}
        for name, messages in errors.items():
            sent = [f"{name}_{suffix}" for suffix in RANGE_SUFFIXES if f"{name}_{suffix}" in params]
            for parameter in sent if name not in params and sent else [name]:
                named[parameter] = list(messages)
        return named


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.BooleanFilter):
    """`true` or `false` (also 1/0), nothing else; django-filter would ignore other values."""

    field_class = forms.TypedChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false"), ("1", "1"), ("0", "0")])
        kwargs.setdefault("coerce", lambda value: value in ("true", "1"))
        super().__init__(*args, **kwargs)


class StrictOrderingFilter(filters.OrderingFilter):
    """Order as asked, then by primary key, so that pages neither repeat nor drop rows."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering.append("pk")
        # A view whose rows may stand for other columns (the past state of commitments)
        # says which: `ordering_columns(queryset)` maps a field to the column to sort on.
        columns = view.ordering_columns(queryset) if hasattr(view, "ordering_columns") else {}
        return [
            ("-" if field.startswith("-") else "")
            + columns.get(field.lstrip("-"), field.lstrip("-"))
            for field in ordering
        ]

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        invalid = [f for f in fields if f and f not in valid]
        if invalid:
            allowed = sorted(
                name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
            )
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(invalid)}; use one of "
                        f"{', '.join(allowed)} (prefix - for descending)."
                    ]
                }
            )
        return valid


class StrictSearchFilter(filters.SearchFilter):
    """DRF's search, with what the apps above add to a row's fields (`registry.search_sources`:
    the comments on a milestone or an action item the reader may read)."""

    max_length = 200

    def filter_queryset(self, request, queryset, view):
        fields = self.get_search_fields(view, request)
        terms = self.get_search_terms(request)
        if not fields or not terms:
            return queryset
        added = {
            term: registry.search_conditions(queryset.model, term, request.user) for term in terms
        }
        if not any(added.values()):
            return super().filter_queryset(request, queryset, view)
        lookups = [self.construct_search(str(field), queryset) for field in fields]
        base = queryset
        queryset = queryset.filter(
            Q(
                *[
                    Q(*[Q(**{lookup: term}) for lookup in lookups], *added[term], _connector=Q.OR)
                    for term in terms
                ]
            )
        )
        if self.must_call_distinct(queryset, fields):
            queryset = base.filter(Exists(queryset.filter(pk=OuterRef("pk"))))
        return queryset

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param, "")
        if len(value) > self.max_length:
            raise ValidationError({self.search_param: [f"At most {self.max_length} characters."]})
        if "\x00" in value:
            raise ValidationError({self.search_param: ["Null characters are not allowed."]})
        return super().get_search_terms(request)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number; django-filter's NumberFilter would take 0.5."""

    field_class = forms.IntegerField


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 instant, normalised to UTC; an offset beyond ±14:00 is refused."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > datetime.timedelta(hours=14):
            raise forms.ValidationError("The UTC offset must be between -14:00 and +14:00.")
        try:
            return parsed.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise forms.ValidationError("The instant is out of range.") from exc


@extend_schema_field(OpenApiTypes.DATETIME)
class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """Rows changed at or after an ISO 8601 instant: for incremental sync."""

    field_class = UtcIsoDateTimeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault(
            "help_text", "ISO 8601 instant, e.g. 2026-11-01T00:00:00Z: rows changed since then."
        )
        super().__init__(*args, **kwargs)
