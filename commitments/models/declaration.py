"""The declaration and its six pillars."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from declaration_tracker.core.i18n import localized

from ..choices import SourceKind, SourceLanguage
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
    # The words the tracker has: today a published summary of the declaration (`text_source`
    # says which document), not the instrument's own text.
    text = models.TextField(_("text"))
    text_source = models.ForeignKey(
        "SourceDocument",
        verbose_name=_("source of the text"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The document the text above is taken from."),
    )

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


class SourceDocument(models.Model):
    """A document the tracker draws on: the declaration's official text or translation, or a
    published summary of it (the data file's text is one)."""

    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("declaration"),
        on_delete=models.CASCADE,
        related_name="sources",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=SourceKind.choices)
    language = models.CharField(_("language"), max_length=2, choices=SourceLanguage.choices)
    title = models.CharField(_("title"), max_length=255)
    title_ja = models.CharField(
        _("title in Japanese"),
        max_length=255,
        blank=True,
        help_text=_("Its Japanese title, or the tracker's unofficial translation of it."),
    )
    publisher = models.CharField(_("publisher"), max_length=255)
    publisher_ja = models.CharField(_("publisher in Japanese"), max_length=255, blank=True)
    published = models.DateField(
        _("published"), null=True, blank=True, help_text=_("Empty when not known to the day.")
    )
    published_note = models.CharField(
        _("when published"),
        max_length=120,
        blank=True,
        help_text=_("When it was published, in words, where the day is not known."),
    )
    published_note_ja = models.CharField(
        _("when published, in Japanese"), max_length=120, blank=True
    )
    url = models.URLField(
        _("URL"), max_length=500, blank=True, help_text=_("Where it is published, if verified.")
    )

    class Meta:
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        ordering = ["declaration", "kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "kind", "language"], name="source_unique_kind_language"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SourceKind.values), name="source_known_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=SourceLanguage.values),
                name="source_known_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher}, {self.get_kind_display()})"

    @property
    def is_official(self) -> bool:
        return self.kind != SourceKind.UNOFFICIAL_SUMMARY

    @property
    def when_published(self) -> str:
        """When it was published, in the reader's language: its day, else the words for it."""
        if self.published is not None:
            return formats.date_format(self.published, "DATE_FORMAT")
        return localized(self, "published_note")


class OfficialClause(models.Model):
    """A commitment's clause in an official text (or official translation) of the declaration."""

    commitment = models.ForeignKey(
        "commitments.Commitment",
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="official_clauses",
    )
    document = models.ForeignKey(
        SourceDocument,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="clauses",
    )
    paragraph = models.CharField(
        _("paragraph"), max_length=20, help_text=_("As the document numbers it, e.g. 4 or 4(b).")
    )
    text = models.TextField(_("text"), help_text=_("The clause's words in that document."))

    class Meta:
        verbose_name = _("official clause")
        verbose_name_plural = _("official clauses")
        ordering = ["commitment", "document"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "document"], name="official_clause_unique_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} · {self.document_id} ¶{self.paragraph}"


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
