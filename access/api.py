"""The API's bases for what is marked: view sets whose queryset is gated for the request's
user (`GatedViewMixin`), and serializers that withhold the governed fields of an instance its
reader may not read, however the instance was reached (`MarkedSerializerMixin`).

Every view set of the tracker derives from these bases; a test walks the URL map and fails on
one that does not (tests/test_gate.py).
"""

from rest_framework import mixins, viewsets

from .markings import _SYSTEM, Markable, gate_reader, withhold
from .views import GatedViewMixin


class GatedGenericViewSet(GatedViewMixin, viewsets.GenericViewSet):
    pass


class GatedReadOnlyModelViewSet(GatedViewMixin, viewsets.ReadOnlyModelViewSet):
    pass


class GatedModelViewSet(GatedViewMixin, viewsets.ModelViewSet):
    pass


class GatedWritableViewSet(
    GatedViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and change; no delete."""


def reader_of(serializer):
    """The reader a serializer writes for: its request's user, else the reader the gate serves
    now (`reading_as`), else the system."""
    request = serializer.context.get("request")
    return request.user if request is not None else gate_reader()


class MarkedSerializerMixin:
    """Withhold the fields an instance's marking governs before representing it, if the
    serializer's reader may not read them (however the instance was read: for the system, for
    another reader, through a foreign key). Withheld once, it stays withheld."""

    def to_representation(self, instance):
        reader = reader_of(self)
        if (
            isinstance(instance, Markable)
            and reader is not _SYSTEM
            and not getattr(instance, "withheld", False)
        ):
            withhold(instance, reader)
        return super().to_representation(instance)
