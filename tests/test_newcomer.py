"""A newcomer's path (issue 16): what a new user meets first, following the README on a fresh
machine: the set-up, ``--version`` and ``--help``, configuration errors, the documentation a user
who installed the package has, a blank project to fill in, and the CLI speaking one language."""

from __future__ import annotations

import re

import pytest

from begroot import __version__

from .test_end_to_end import run

COMMANDS = ["init", "check", "build", "serve", "pdf", "diff", "docs", "demo"]


def test_version_prints_the_version_and_exits_0():
    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"begroot {__version__}"
    assert "Missing command" not in result.stderr


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_shows_flags_without_a_value(command):
    result = run(*([command] if command else []), "--help", env={"COLUMNS": "120"})
    assert result.returncode == 0, result.stderr
    assert "<bool>" not in result.stdout
    for flag in re.findall(r"--(?:strict|quiet|verbose|force|no-cache|words|version|help)\b", result.stdout):
        line = next(x for x in result.stdout.splitlines() if flag in x)
        assert "<" not in line.split(flag, 1)[1].split("  ")[0], line  # no type after the flag


def test_a_flag_given_a_value_is_wrong_usage(tmp_path):
    result = run("check", "--strict", "true", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_diff_speaks_english_and_is_not_wrapped_into_a_file(demo_dir):
    result = run("diff", str(demo_dir), "begroting-2023", "begroting-2024", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Begroting 2023 and Begroting 2024 compared" in text
    assert "By programme" in text and "Per programma" not in text and "vergeleken" not in text
    # a table row is one line however wide (Rich wraps at 80 columns, or COLUMNS, on a terminal)
    row = "│ ONV Onvoorzien en overige baten en lasten │ ONV Onvoorzien en overige baten en lasten │"
    assert any(line.startswith(row) for line in text.splitlines()), text
    assert max(len(line) for line in text.splitlines()) > 80


def test_config_errors_name_the_edition_count_from_1_and_show_the_value(tmp_path):
    from begroot.project import load_project

    from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, write_project

    second = """
[[editions]]
id = "jaarstukken-2024"
kind = "jaarstuken"
year = 2024

[[editions]]
kind = "begroting"
year = "twee"
text_only = "ja"

[theme]
primary_colour = "#01689b"
"""
    project = write_project(tmp_path / "p", toml=BASE_TOML + LONG_SOURCE + second, finance=GOOD_FINANCE)
    loaded = load_project(project)
    assert loaded.budget is None
    messages = [p.message for p in loaded.problems.errors if p.code == "config-invalid"]
    assert messages == [
        "theme.primary_colour: unknown setting; did you mean 'primary_color'?",
        "edition 2 (jaarstukken-2024), kind: 'jaarstuken' is not allowed; the allowed values are 'begroting', "
        "'voorjaarsnota', 'najaarsnota' or 'jaarstukken'",
        "edition 3, id: this setting is required and missing",
        "edition 3, year: write a whole number (the file has 'twee')",
        "edition 3, text_only: write true or false (without quotes) (the file has 'ja')",
    ]
    assert all(p.hint == "run 'begroot docs project-format' for every setting" for p in loaded.problems.errors)


@pytest.mark.parametrize("toml, line, hint", [
    ('[organisation]\nname = Gemeente Voorbeeld\n', 2, "text in double quotes"),
    ('[organisation]\nname = "X"\nlogo = "C:\\data\\logo.png"\n', 3, "a Windows path: write it in single quotes"),
])
def test_a_toml_syntax_error_names_its_line_and_how_to_correct_it(tmp_path, toml, line, hint):
    (tmp_path / "begroot.toml").write_text(toml, encoding="utf-8")
    result = run("check", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"error: begroot.toml, line {line}: not valid TOML:" in result.stderr
    assert f"— hint: correct line {line}: {hint}" in result.stderr


def test_docs_lists_the_pages_and_prints_one():
    from .conftest import ROOT

    listing = run("docs")
    assert listing.returncode == 0, listing.stderr
    topics = [line.split()[0] for line in listing.stdout.splitlines()[1:]]
    assert topics[0] == "readme"
    assert sorted(topics[1:]) == sorted(p.stem for p in (ROOT / "docs").glob("*.md"))
    page = run("docs", "project-format")
    assert page.returncode == 0, page.stderr
    assert page.stdout == (ROOT / "docs" / "project-format.md").read_text(encoding="utf-8")
    assert run("docs", "docs/messages.md").stdout == (ROOT / "docs" / "messages.md").read_text(encoding="utf-8")
    wrong = run("docs", "project-formt", env={"COLUMNS": "300"})
    assert wrong.returncode == 2 and "did you mean 'project-format'?" in wrong.stderr


def test_an_installed_package_carries_the_docs(tmp_path):
    """The wheel's layout, made as pyproject.toml says hatch makes it (the package, and docs/ and the
    README copied in with force-include), away from the checkout: `begroot docs` reads the copies."""
    import os
    import shutil
    import subprocess
    import sys
    import tomllib

    from .conftest import ROOT

    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"][
        "targets"]["wheel"]
    site = tmp_path / "site-packages"
    for package in wheel["packages"]:
        shutil.copytree(ROOT / package, site / "begroot", ignore=shutil.ignore_patterns("__pycache__"))
    for source, target in wheel["force-include"].items():
        (shutil.copytree if (ROOT / source).is_dir() else shutil.copyfile)(ROOT / source, site / target)
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "begroot", "docs", "messages"], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "docs" / "messages.md").read_text(encoding="utf-8")
    readme = subprocess.run([sys.executable, "-m", "begroot", "docs", "readme"], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=60)
    assert readme.stdout == (ROOT / "README.md").read_text(encoding="utf-8")
    # and the messages that send a user to the documentation name a page that is there
    from begroot import config
    hinted = re.fullmatch(r"run 'begroot docs ([a-z-]+)' for every setting", config.SETTINGS_HINT).group(1)
    assert (site / "begroot" / "docs" / f"{hinted}.md").is_file()


def test_without_pango_the_pdf_error_names_the_packages_and_pdf_false(tmp_path, monkeypatch):
    import sys

    from begroot.errors import BegrootError
    from begroot.project import load_project
    from begroot.publish.pdf import write_pdf

    from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, write_project

    toml = '[site]\npdf_engine = "weasyprint"\n' + BASE_TOML + LONG_SOURCE
    loaded = load_project(write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE))
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as without Pango: the import fails
    with pytest.raises(BegrootError) as caught:
        write_pdf(loaded.budget, loaded.figures, "begroting-2024", tmp_path / "b.pdf", None)
    message = str(caught.value)
    assert "WeasyPrint is not usable here" in message
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in message
    assert "pdf = false under [site]" in message


def test_without_pango_the_default_engine_still_makes_the_pdf(tmp_path, monkeypatch):
    """Typst, the default engine, needs neither WeasyPrint nor Pango."""
    import sys

    from begroot.project import load_project
    from begroot.publish.pdf import write_pdf

    from .conftest import GOOD_FINANCE, write_project

    loaded = load_project(write_project(tmp_path / "p", finance=GOOD_FINANCE))
    assert loaded.budget.config.site.pdf_engine == "typst"
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as without Pango: the import fails
    target = write_pdf(loaded.budget, loaded.figures, "begroting-2024", tmp_path / "b.pdf", None)
    assert target.read_bytes().startswith(b"%PDF-")


def test_readme_lists_the_system_packages_ci_installs():
    from .conftest import ROOT

    setup = (ROOT / "README.md").read_text(encoding="utf-8").split("## Set-up on a fresh machine", 1)[1]
    setup = setup.split("\n## ", 1)[0]
    installed = re.search(r"apt-get install -y -qq (.*?)>", (ROOT / ".ci" / "run").read_text(encoding="utf-8"),
                          re.S).group(1).replace("\\", " ").split()
    assert installed and all(package in setup for package in installed), installed
    assert "pdf = false" in setup


def test_init_blank_writes_one_edition_that_check_accepts(tmp_path):
    target = tmp_path / "mijn-begroting"
    result = run("init", str(target), "--blank", "--year", "2025")
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "begroot.toml", "begroting-2025/financien.csv", "begroting-2025/programmas.csv",
        "begroting-2025/teksten/1-doelstelling.md", "begroting-2025/teksten/inleiding.md"]
    assert (target / "begroting-2025" / "financien.csv").read_text(encoding="utf-8") == "Taakveld;Lasten/baten;Bedrag\n"
    check = run("check", str(target))
    assert check.returncode == 0, check.stderr
    # the one warning is step 5 of the file: where readers report an accessibility problem
    assert "Check passed: 0 errors, 1 warning." in check.stdout
    assert "no address to report a problem to" in check.stderr and "under [accessibility]" in check.stderr
    assert "begroting-2025: text only (6 programmes, 2 texts), no figures." in check.stdout
    site = tmp_path / "site"
    assert run("build", str(target), "--out", str(site), "-q").returncode == 0
    assert (site / "begroting-2025" / "index.html").is_file()
    # the demo stays the default; --year belongs to --blank
    assert run("init", str(tmp_path / "x"), "--year", "2025").returncode == 2


def test_the_blank_projects_own_steps_lead_to_figures(tmp_path):
    target = tmp_path / "p"
    assert run("init", str(target), "--blank", "--year", "2025", "-q").returncode == 0
    finance = target / "begroting-2025" / "financien.csv"
    finance.write_text(finance.read_text(encoding="utf-8") + "0.1;Lasten;1200\n0.5;Baten;1500\n6.1;Lasten;300\n",
                       encoding="utf-8")
    toml = (target / "begroot.toml").read_text(encoding="utf-8")
    # step 4, as the file says: delete the line text_only = true, and the "# " before [[editions.finance]]'s lines
    head, block = toml.split("# [[editions.finance]]")
    head = "\n".join(line for line in head.splitlines() if not line.startswith("text_only = true"))
    block = "\n".join(line.removeprefix("# ") for line in ("# [[editions.finance]]" + block).splitlines())
    (target / "begroot.toml").write_text(head + "\n" + block + "\n", encoding="utf-8")
    check = run("check", str(target))
    assert check.returncode == 0, check.stderr
    assert "begroting-2025: 3 finance lines" in check.stdout and "equal to the sums of the export" in check.stdout


def test_following_the_readme_leaves_no_untracked_project_in_the_clone():
    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    targets = re.findall(r"begroot init (\S+)", readme)
    assert "../mijn-begroting" in targets
    for target in targets:
        if target in ("DIR", "DIR`"):
            continue
        assert target.startswith("../") or f"/{target.strip('/')}/" in ignored, target
    assert "/mijn-begroting/" in ignored
    assert "--blank" in readme


def test_a_misspelt_file_name_is_answered_with_the_name_beside_it(tmp_path):
    """A finance file named 'financein.csv' in begroot.toml beside 'financien.csv': the message says
    which file is there; a name like no file beside it gets the plain hint."""
    from begroot.paths import missing_file_hint
    from begroot.project import load_project

    from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, write_project

    project = write_project(tmp_path / "p", toml=BASE_TOML + LONG_SOURCE.replace("financien.csv", "financein.csv"),
                            finance=GOOD_FINANCE)
    [error] = load_project(project).problems.errors
    assert (error.code, error.file, error.message) == ("unreadable", "begroting-2024/financein.csv", "file not found")
    assert error.hint == "check the file name in begroot.toml: did you mean 'financien.csv'?"
    assert missing_file_hint(project / "begroting-2024" / "uitgaven.csv", "check it") == "check it"
    assert missing_file_hint(tmp_path / "geen-map" / "financien.csv", "check it") == "check it"
