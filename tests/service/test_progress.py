"""Progress lines speak the command's language."""

import io

from service.progress import Progress, Stages


def test_a_progress_line_says_the_time_left_in_french_or_english() -> None:
    french = Progress("lignes lues", total=1000, enabled=False, lang="fr")
    french.count = 100
    line = french.line(french.started + 1.0)
    assert line.startswith("lignes lues 100 / 1\u202f000 · 100/s · reste 9 s")
    english = Progress("rows read", total=1000, enabled=False, lang="en")
    english.count = 100
    assert english.line(english.started + 1.0).endswith("· 9 s left")


def test_a_stage_line_names_the_stage_in_french() -> None:
    stream = io.StringIO()
    stages = Stages("rapprochement de r.csv", enabled=True, stream=stream, lang="fr")
    stages("blocking")
    assert "rapprochement de r.csv : blocage terminé" in stream.getvalue()
