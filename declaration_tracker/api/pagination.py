"""Page numbers for people and reports; cursors for systems walking the whole set."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_PAGE_SIZE = 500


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"A whole number from 1 to {self.max_page_size}; for more rows use "
                        "?pagination=cursor and follow the next links."
                    ]
                }
            )
        return size

    def get_paginated_response_schema(self, schema):
        """One schema for both kinds of page: cursor pages have no count."""
        schema = super().get_paginated_response_schema(schema)
        schema["required"] = ["results"]
        schema["properties"]["count"]["description"] = "Rows in all pages (page numbers only)."
        return schema


class CursorPagination(pagination.CursorPagination):
    """Stable keyset pages by id: rows added while a client walks the set are not skipped.

    Always by id: a cursor on a column with repeated or null values would skip rows.
    """

    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        if request.query_params.get("ordering"):
            raise ValidationError(
                {"ordering": ["Cursor pages are always in id order; leave ordering out."]}
            )
        return (self.ordering,)

    def get_page_size(self, request):
        return PageNumberPagination.get_page_size(self, request)


class SwitchablePaginationMixin:
    """On lists, `?pagination=cursor` (or a `cursor` parameter) pages by cursor, not number."""

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            params = self.request.query_params if self.request else {}
            if getattr(self, "action", None) != "list":
                self._paginator = self.pagination_class() if self.pagination_class else None
                return self._paginator
            if params.get("pagination") not in (None, "cursor", "page"):
                raise ValidationError({"pagination": ["Either page (the default) or cursor."]})
            wants_cursor = params.get("pagination") == "cursor" or "cursor" in params
            self._paginator = CursorPagination() if wants_cursor else PageNumberPagination()
        return self._paginator


# The query parameters every paginated list takes, for the OpenAPI schema.
PAGINATION_PARAMETERS = [
    OpenApiParameter(
        "pagination",
        OpenApiTypes.STR,
        enum=["page", "cursor"],
        description="`cursor` pages by stable keyset cursor (for sync); default `page`.",
    ),
    OpenApiParameter("cursor", OpenApiTypes.STR, description="From a `next`/`previous` link."),
]
