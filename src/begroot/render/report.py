"""The writers' readability report (``begroot check --report report.html``), not part of the site."""

from __future__ import annotations

from pathlib import Path

from .page import environment
from .strings import strings


def write_report(loaded, target: Path) -> None:
    budget = loaded.budget
    settings = budget.config.readability
    scores = sorted(loaded.readability, key=lambda s: (s.flesch_douma if s.flesch_douma is not None else 999,
                                                       s.source))
    html = environment().get_template("report.html").render(
        lang=budget.config.site.language, t=strings(budget.config.site.language),
        organisation=budget.config.organisation, settings=settings, scores=scores,
        below=[s for s in scores if s.flesch_douma is not None and s.flesch_douma < settings.min_score],
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
