"""The comment thread on an item's page: post, reply, edit and delete in place (htmx), or by a
plain form post that comes back to the item's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from access import permissions
from declaration_tracker.core.versioning import StaleVersionError
from declaration_tracker.core.views import is_htmx

from . import comment_selectors, comment_services, targets
from .forms import CommentForm, thread_context


def _answer(request, item, form=None, editing=None) -> HttpResponse:
    """The thread again: for htmx, in place with any errors beside their fields (a 200: htmx
    swaps only successful answers; an edit's beside the comment edited); else back to the
    item's page, the errors as messages."""
    if is_htmx(request):
        context = thread_context(item, request.user, form=form, editing=editing)
        return render(request, "discussion/includes/comments.html", context)
    if form is not None and form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(targets.page_of(item) + "#comments")


@require_POST
def comment_add(request, kind: str, ref: str):
    permissions.require_reader(request)
    comment_services.require_discuss(request.user)
    item = targets.target_get(kind, ref, request.user)
    form = CommentForm(request.POST, item=item, user=request.user)
    if not form.is_valid():
        return _answer(request, item, form)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = (
            comment_selectors.comment_list(request.user)
            .filter(pk=form.cleaned_data["parent"])
            .first()
        )
    try:
        comment_services.comment_create(
            target=item,
            actor=request.user,
            body=form.cleaned_data["body"],
            marking=form.cleaned_data["marking"],
            parent=parent,
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return _answer(request, item, form)
    return _answer(request, item)


def _comment(request, pk: int):
    permissions.require_reader(request)
    return get_object_or_404(comment_selectors.comment_list(request.user), pk=pk)


@require_POST
def comment_edit(request, pk: int):
    comment = _comment(request, pk)
    comment_services.require_author(comment, request.user)
    item = comment.target
    form = CommentForm(request.POST, item=item, user=request.user, editing=comment)
    if not form.is_valid():
        return _answer(request, item, form, editing=comment)
    try:
        comment_services.comment_update(
            comment=comment,
            actor=request.user,
            expected_version=form.cleaned_data.get("version"),
            body=form.cleaned_data["body"],
            marking=form.cleaned_data["marking"],
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return _answer(request, item, form, editing=comment)
    except StaleVersionError as error:
        form.add_error(None, str(error))
        return _answer(request, item, form, editing=comment)
    return _answer(request, item)


@require_POST
def comment_delete(request, pk: int):
    comment = _comment(request, pk)
    comment_services.require_author(comment, request.user)
    version = request.POST.get("version", "")
    try:
        comment_services.comment_delete(
            comment=comment,
            actor=request.user,
            expected_version=int(version) if version.isdigit() else None,
        )
    except StaleVersionError as error:
        messages.error(request, str(error))
    return _answer(request, comment.target)
