"""`rulelang impact` (work in progress)."""


def register(sub) -> None:
    """Declare the command's arguments on the `rulelang` sub-parser."""
