from django.db import models
from django.utils import translation
from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """Refuse fields the client may not write, naming them, instead of silently dropping them.

    `refused_fields` maps a field name to the message that says where to change it instead.
    """

    refused_fields: dict[str, str] = {}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": ["Send a JSON object with the fields to set."]}
            )
        writable = {name for name, field in self.fields.items() if not field.read_only}
        extra = sorted(set(data) - writable)
        if extra:
            read_only = set(self.fields) - writable
            raise serializers.ValidationError(
                {
                    name: [
                        self.refused_fields.get(name)
                        or (
                            "This field is read-only here."
                            if name in read_only
                            else "Unknown field."
                        )
                    ]
                    for name in extra
                }
            )
        wrong_type = {
            name: [message]
            for name, field in sorted(self.fields.items())
            if not field.read_only
            and data.get(name) is not None
            and (message := _wrong_type(field, data[name]))
        }
        if wrong_type:
            raise serializers.ValidationError(wrong_type)
        return super().to_internal_value(data)


def _wrong_type(field: serializers.Field, value) -> str | None:
    """Say what is wrong with the JSON type of `value` for `field`, if anything.

    DRF would take a number for text (as its digits) and an object for a list (as its keys).
    """
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return "Must be a string."
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField) and not isinstance(
        value, list
    ):
        return "Must be a list."
    return None


class StrictSlugRelatedField(serializers.SlugRelatedField):
    """A reference by slug, code or username; an empty string is refused, not taken as null."""

    def run_validation(self, data=serializers.empty):
        if data == "":
            raise serializers.ValidationError(
                "An empty string names nothing: send null for none, or leave the field out."
            )
        if data is not None and data is not serializers.empty and not isinstance(data, str):
            raise serializers.ValidationError("Must be a string.")
        return super().run_validation(data)


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


class OptionalChoiceField(serializers.ChoiceField):
    """A choice that may be absent (a blank column): answered as null, never as "".

    The schema says `nullable` with the choices' enum, which is what the field answers; a
    generated client reads an optional enum rather than a union with a one-value "" enum.
    """

    def __init__(self, **kwargs):
        kwargs["allow_null"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class ChoiceLabelField(serializers.CharField):
    """A choice's label in the request's language, from the value at `source`."""

    def __init__(self, choices: type[models.Choices], **kwargs):
        self.choices_class = choices
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return choice_labels(self.choices_class)[value]


def choice_labels(choices: type[models.Choices]) -> dict[str, str]:
    """Each value's label in the active language (translated once per language)."""
    key = (choices, translation.get_language())
    if key not in _LABELS:
        _LABELS[key] = {value: str(label) for value, label in choices.choices}
    return _LABELS[key]


_LABELS: dict[tuple, dict[str, str]] = {}


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status code.")
    code = serializers.CharField(help_text="A machine-readable code, e.g. `invalid`.")
    message = serializers.CharField(help_text="What went wrong, in words.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: the messages for each field that was refused.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


# A serializer mixin for reference rows that many objects of one response share (an
# organisation, a pillar, a user): each row is represented once, by the declared fields, and
# the representation reused for the rest of the response. (A comment, not a docstring: the
# schema takes a serializer's description from the first docstring of its classes.)
class RepresentedOnce:
    def to_representation(self, instance):
        represented = self.__dict__.setdefault("_represented", {})
        if instance.pk not in represented:
            represented[instance.pk] = super().to_representation(instance)
        return dict(represented[instance.pk])
