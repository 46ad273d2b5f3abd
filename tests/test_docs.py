"""The documentation keeps up with the code: every problem code is explained in docs/messages.md,
and every setting of begroot.toml appears in docs/project-format.md."""

import re

from pydantic import BaseModel

from begroot import config
from begroot.read import numbers

from .conftest import ROOT


def problem_codes() -> set[str]:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "begroot").rglob("*.py"))
    codes = set(re.findall(r'code="([a-z0-9-]+)"', source))
    codes |= set(re.findall(r'"(bad-[a-z-]+|empty-programme)"\)', source))
    codes |= {f"amount-{s}" for s in (numbers.INVALID, numbers.EXPONENT, numbers.TOO_PRECISE, numbers.TOO_LARGE,
                                      numbers.DATE, numbers.OTHER_DIGITS)}
    return codes - {"generic"}


def test_every_problem_code_is_explained():
    doc = (ROOT / "docs" / "messages.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", doc, re.M))
    assert problem_codes() - documented == set()
    assert documented - problem_codes() == set()


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "project-format.md").read_text(encoding="utf-8")
    models = [m for m in vars(config).values() if isinstance(m, type) and issubclass(m, BaseModel)
              and m.__module__ == config.__name__]
    missing = [f"{m.__name__}.{name}" for m in models for name in m.model_fields if name not in doc]
    assert missing == []


def test_readme_points_to_the_messages():
    assert "docs/messages.md" in (ROOT / "README.md").read_text(encoding="utf-8")
