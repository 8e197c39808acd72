"""Form pieces several modules share."""


def chosen_id(value):
    """A select's value as an id; the empty "Choose…" option as 0, which DataRequired refuses."""
    return int(value) if value not in ("", None) else 0


def with_placeholder(label, choices):
    """Choices led by an empty option, as a required select must be ("Choose a reading")."""
    return [("", label), *choices]
