"""The declaration reader: the full text, with every commitment's and mechanism's clause marked."""

from django.shortcuts import render

from access.permissions import require_reader
from commitments.declaration_layout import declaration_layout
from commitments.models import Commitment, Declaration
from dialogues.models import DialogueMechanism


def declaration_reader(request):
    """The declaration paragraph by paragraph, each clause followed by what it gave rise to.

    Three queries whatever the number of commitments: the declaration, its commitments
    (status included), its dialogue mechanisms.
    """
    require_reader(request)
    declaration = Declaration.objects.order_by("-date", "-id").first()
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
            "paragraphs": paragraphs,
            "unplaced": unplaced,
            "commitment_count": len(commitments),
            "mechanism_count": len(mechanisms),
        },
    )
