"""The evaluator's exports: the anonymous answers (one row per response, items as columns) and
a codebook, as CSV for SPSS, R or Excel. Rows are in the order of their random keys."""

from collections import defaultdict

from sqlalchemy import select

from course.extensions import db
from course.modules.evaluation.models import LIKERT_LABELS, Answer, ItemKind, Response

MULTIPLE_SEPARATOR = ";"
PAIR_COLUMN = (
    "Keyed hash of the respondent's self-generated code "
    "(the same code gives the same hash within this cohort)"
)


def column_name(item):
    """'q3' for the item at position 3."""
    return f"q{item.position}"


def answers_table(questionnaire, items, *, interim=False):
    """(header, rows): one row per response, a column per item, the pair hash if paired.

    Before closing only whole batches are exported (as for interim results); rows are
    numbered afresh in the order of their random keys, so two exports share no row number.
    """
    counted = select(Response.id, Response.pair_hash).where(
        Response.questionnaire_id == questionnaire.id
    )
    if interim:
        counted = counted.where(Response.batch.is_not(None))
    responses = list(db.session.execute(counted.order_by(Response.id)))
    cells = defaultdict(lambda: defaultdict(list))
    for response_id, item_id, number, text in db.session.execute(
        select(Answer.response_id, Answer.item_id, Answer.number, Answer.text)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_id == questionnaire.id)
        .order_by(Answer.number)
    ):
        cells[response_id][item_id].append(text if text is not None else number)
    header = ["response"]
    if questionnaire.paired:
        header.append("pair_code_hash")
    header += [column_name(item) for item in items]
    rows = []
    for n, (response_id, pair_hash) in enumerate(responses, start=1):
        row = [n]
        if questionnaire.paired:
            row.append(pair_hash or "")
        for item in items:
            values = cells[response_id].get(item.id, [])
            row.append(MULTIPLE_SEPARATOR.join(str(v) for v in values))
        rows.append(row)
    return header, rows


def codebook(questionnaire, items):
    """(header, rows): item id, column, wording, kind, scale, values and labels."""
    header = ["column", "item_id", "wording", "kind", "scale", "required", "values"]
    rows = []
    if questionnaire.paired:
        rows.append(["pair_code_hash", "", PAIR_COLUMN, "code", "", "", ""])
    for item in items:
        rows.append(
            [column_name(item), item.id, item.wording, item.kind, item.scale or "",
             "yes" if item.required else "no", _values(item)]
        )  # fmt: skip
    return header, rows


def _values(item):
    """'1=Strongly disagree; 2=Disagree; ...' or a range or 'text'."""
    kind = item.kind_enum
    if kind == ItemKind.LIKERT:
        return "; ".join(f"{n}={label}" for n, label in enumerate(LIKERT_LABELS, start=1))
    if kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
        labels = "; ".join(f"{n}={label}" for n, label in enumerate(item.choices, start=1))
        return labels + (" (several, separated by ;)" if kind == ItemKind.MULTIPLE else "")
    if kind == ItemKind.NUMBER:
        low = "" if item.min_value is None else item.min_value
        high = "" if item.max_value is None else item.max_value
        return f"whole number {low} to {high}".replace("  ", " ")
    return "free text"
