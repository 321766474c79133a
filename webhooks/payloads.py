"""An event's object as the API represents it to the subscription's reader.

The API's own view sets find the object (their querysets apply the reader's release markings:
a hidden milestone or action item is not found) and their serializers write it (a withheld
note or outcome is blanked), in the reader's language, with links on `SITE_URL`. No request
is served: authentication and throttling are the API's, not an event's.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import translation
from rest_framework.request import Request

from access.visibility import reading_as
from commitments.api.views import CommitmentViewSet, MilestoneViewSet
from dialogues.api.views import ActionItemViewSet, MeetingViewSet
from discussion.attachment_api import AttachmentViewSet
from discussion.comment_api import CommentDetail

# What an event's object is, by label: the view (set) that serves it and its lookup field.
VIEWSETS = {
    "commitments.commitment": (CommitmentViewSet, "code"),
    "commitments.milestone": (MilestoneViewSet, "pk"),
    "dialogues.meeting": (MeetingViewSet, "pk"),
    "dialogues.actionitem": (ActionItemViewSet, "pk"),
    "discussion.comment": (CommentDetail, "pk"),
    "discussion.attachment": (AttachmentViewSet, "pk"),
}


class _SiteRequest(HttpRequest):
    """A GET as if made to SITE_URL (absolute links in the representation point there)."""

    def __init__(self, user):
        super().__init__()
        site = urlsplit(settings.SITE_URL)
        self.method = "GET"
        self.user = user
        self._site = site

    def get_host(self) -> str:
        return self._site.netloc

    def _get_scheme(self) -> str:
        return self._site.scheme or "https"


def represent(label: str, key: str, reader) -> dict | None:
    """The object's API representation for `reader`, or None if they may not read it (or it
    is gone)."""
    viewset_class, lookup = VIEWSETS[label]
    request = Request(_SiteRequest(reader))
    request.user = reader
    view = viewset_class(
        request=request, args=(), kwargs={lookup: key}, action="retrieve", format_kwarg=None
    )
    view.headers = {}
    with translation.override(reader.language or settings.LANGUAGE_CODE), reading_as(reader):
        try:
            found = view.get_object()
        except (Http404, PermissionDenied):
            return None
        return dict(view.get_serializer(found).data)


def sources_readable(label: str, key: str, reader) -> bool:
    """Say whether `reader` may still read every marked source an event's body quotes, under
    its current marking: the object (a commitment's added context, a meeting's outcome, a
    milestone, an action item, a comment or an attachment) and a commitment's two sides' latest
    status updates. An object gone since is judged by the marking its last audit event
    carries, which followed it."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from access import visibility
    from audit.models import AuditEvent

    model = apps.get_model(label)
    lookup = "code" if label == "commitments.commitment" else "pk"
    found = model.objects.filter(**{lookup: key}).first()
    if found is None:
        last = (
            AuditEvent.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id=str(key)
            )
            .order_by("-at", "-id")
            .first()
        )
        return last is None or visibility.may_read(reader, last.marking)
    sources = [found]
    if label == "commitments.commitment":
        sources += [update for update in (found.india_report, found.japan_report) if update]
    return all(visibility.may_read(reader, source.marking) for source in sources)
