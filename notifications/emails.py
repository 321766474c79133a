"""The daily digest e-mail: subject, plain text and HTML, from templates."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from access.markings import reading_as
from declaration_tracker.core.timezones import reading_times_as

from .choices import ReminderKind
from .models import Digest, Reminder


def digest_render(digest: Digest, reminders: list[Reminder]) -> EmailMultiAlternatives:
    """The digest e-mail, in its recipient's language (their saved one, else English)."""
    recipient = digest.recipient
    language = recipient.language or settings.LANGUAGE_CODE
    with (
        translation.override(language),
        reading_times_as(recipient, language),
        reading_as(recipient),
    ):
        return _digest_render(digest, reminders)


def _digest_render(digest: Digest, reminders: list[Reminder]) -> EmailMultiAlternatives:
    groups = [
        (label, [r for r in reminders if r.kind == kind])
        for kind, label in ReminderKind.choices
        if any(r.kind == kind for r in reminders)
    ]
    context = {
        "digest": digest,
        "recipient": digest.recipient,
        "groups": groups,
        "count": len(reminders),
        "site_url": settings.SITE_URL,
        "preferences_url": f"{settings.SITE_URL}{reverse('reminder-preferences')}",
    }
    subject = render_to_string("commitments/emails/digest_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("commitments/emails/digest_body.txt", context),
        to=[digest.recipient.email],
        headers={"List-Unsubscribe": f"<{context['preferences_url']}>"},
    )
    message.attach_alternative(
        render_to_string("commitments/emails/digest_body.html", context), "text/html"
    )
    return message
