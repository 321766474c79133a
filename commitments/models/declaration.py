"""The declaration and its six pillars."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from declaration_tracker.core.i18n import localized

from ..declaration_layout import declaration_paragraphs


class Declaration(models.Model):
    title = models.CharField(_("title"), max_length=255)
    title_ja = models.CharField(
        _("title in Japanese"),
        max_length=255,
        blank=True,
        help_text=_("The title as Japan's Ministry of Foreign Affairs writes it."),
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120)
    place_ja = models.CharField(_("place in Japanese"), max_length=120, blank=True)
    occasion = models.CharField(_("occasion"), max_length=255)
    occasion_ja = models.CharField(_("occasion in Japanese"), max_length=255, blank=True)
    text = models.TextField(_("full text"))

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            models.UniqueConstraint(fields=["title", "date"], name="declaration_unique_title_date")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d %B %Y})"

    @property
    def paragraphs(self) -> list[str]:
        return declaration_paragraphs(self.text)


class Pillar(models.Model):
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    code_prefix = models.CharField(
        _("code prefix"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Three capital letters, e.g. MAR."))],
    )
    name = models.CharField(_("name"), max_length=120, unique=True)
    name_ja = models.CharField(
        _("name in Japanese"),
        max_length=120,
        blank=True,
        help_text=_("The tracker's unofficial Japanese translation; empty: the English is shown."),
    )
    description = models.CharField(_("description"), max_length=255)
    description_ja = models.CharField(
        _("description in Japanese"),
        max_length=255,
        blank=True,
        help_text=_("The tracker's unofficial Japanese translation; empty: the English is shown."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return localized(self, "name")
