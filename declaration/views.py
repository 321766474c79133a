"""The declaration reader: the text the tracker holds (a published summary of the declaration),
with every commitment's and mechanism's clause marked, and the documents it draws on."""

from django.shortcuts import render

from access.permissions import require_reader
from commitments.declaration_layout import declaration_layout
from commitments.models import Commitment
from commitments.selectors import declaration_current, declaration_sources
from dialogues.models import DialogueMechanism


def declaration_reader(request):
    """The summary paragraph by paragraph, each clause followed by what it gave rise to.

    Four queries whatever the number of commitments: the declaration (with the document its
    text is taken from), its other documents, its commitments (status included), its dialogue
    mechanisms.
    """
    require_reader(request)
    declaration = declaration_current()
    if declaration is None:
        return render(request, "commitments/declaration.html", {"declaration": None})
    commitments = list(
        Commitment.objects.filter(declaration=declaration)
        .only("code", "title", "title_ja", "status", "source_clause", "clause_part", "paragraph")
        .order_by("code")
    )
    mechanisms = list(
        DialogueMechanism.objects.filter(declaration=declaration)
        .only("slug", "name", "name_ja", "established", "source_clause", "paragraph")
        .order_by("name")
    )
    for commitment in commitments:
        commitment.kind = "commitment"
    for mechanism in mechanisms:
        mechanism.kind = "mechanism"
    paragraphs, unplaced = declaration_layout(declaration.text, [*commitments, *mechanisms])
    return render(
        request,
        "commitments/declaration.html",
        {
            "declaration": declaration,
            "source": declaration.text_source,
            "official_sources": [d for d in declaration_sources(declaration) if d.is_official],
            "paragraphs": paragraphs,
            "unplaced": unplaced,
            "commitment_count": len(commitments),
            "mechanism_count": len(mechanisms),
        },
    )
