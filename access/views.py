"""The gate in the base views: a view's queryset of a markable model names its reader.

NetBox's base views restrict every queryset to the request's user in `get_queryset()`; the
tracker's do the same with `visible_to(request.user)`, for Django's class-based views and DRF's
view sets alike (`access.api` builds DRF's bases on this). A subclass that writes its own
`get_queryset()` is gated all the same: the mixin wraps it as the class is made, so an endpoint
built on these bases cannot leave the gate out, whatever it overrides. (Beneath this, the
request's context gates any read that still names no reader: `access.markings`.)
"""

import functools

from .markings import MarkedQuerySet


def gate(queryset, user):
    """`queryset` as `user` may read it, if it is of a markable model and names no reader yet."""
    if isinstance(queryset, MarkedQuerySet) and not queryset._gated:
        return queryset.visible_to(user)
    return queryset


class GatedViewMixin:
    """Apply the gate to whatever `get_queryset()` returns, for the request's user."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("get_queryset")
        if own is not None and not getattr(own, "gated", False):

            @functools.wraps(own)
            def get_queryset(self):
                return gate(own(self), self.request.user)

            get_queryset.gated = True
            cls.get_queryset = get_queryset

    def get_queryset(self):
        return gate(super().get_queryset(), self.request.user)

    get_queryset.gated = True
