from django import template

from ..forms import thread_context
from ..rendering import markdown_html

register = template.Library()


@register.inclusion_tag("discussion/includes/comments.html", takes_context=True)
def comment_thread(context, item):
    """The item's comment thread as the page's reader may read it; none on a page showing the
    item as it stood in the past (today's thread would not be what was said then)."""
    if context.get("as_of"):
        return {"hidden": True}
    return {
        **thread_context(item, context["request"].user),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def markdown(text: str):
    return markdown_html(text)


@register.inclusion_tag("discussion/includes/reconciliation_banner.html", takes_context=True)
def reconciliation_banner(context, commitment):
    """The commitment's open reconciliation, if its reader may read it (both governments'
    users); nothing on a page of the past."""
    from django.utils import timezone

    from ..reconciliation_selectors import open_reconciliation

    if context.get("as_of"):
        return {}
    return {
        "reconciliation": open_reconciliation(commitment, context["request"].user),
        "today": timezone.localdate(),
    }
