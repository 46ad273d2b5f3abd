"""A file swapped for a symbolic link between the check that it is inside the project and the
moment it is opened (time of check to time of use) is refused, not read: finance files, texts,
the images in texts and the theme's files are opened through begroot.paths.open_inside."""

import os

import pytest

import begroot.build
import begroot.paths
import begroot.read.texts
from begroot.errors import BegrootError
from begroot.paths import OutsideProject, open_inside, read_inside
from begroot.project import load_project

from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, write_project
from .test_security_paths import png

SECRET_FINANCE = "Taakveld;Soort;Bedrag\n1.1 GEHEIM;Lasten;999\n"


def _swap(path, target):
    """Replace ``path`` by a symbolic link to ``target`` (what an attacker does meanwhile)."""
    path.unlink()
    path.symlink_to(target)


def test_open_inside_refuses_a_link_planted_after_the_check(tmp_path, monkeypatch):
    project = tmp_path / "p"
    (project / "data").mkdir(parents=True)
    outside = tmp_path / "buiten"
    outside.mkdir()
    (outside / "x.csv").write_text("GEHEIM", encoding="utf-8")
    inner = project / "data" / "x.csv"
    inner.write_text("eigen", encoding="utf-8")
    assert read_inside(project, inner) == b"eigen"

    real_open = os.open

    def swap_then_open(swap):
        def opener(path, flags, *args):
            swap()  # between the check (realpath) and the open
            return real_open(path, flags, *args)
        return opener

    # the file itself becomes a link: O_NOFOLLOW makes the kernel refuse it
    monkeypatch.setattr(begroot.paths.os, "open", swap_then_open(lambda: _swap(inner, outside / "x.csv")))
    with pytest.raises(OutsideProject):
        read_inside(project, inner)
    monkeypatch.setattr(begroot.paths.os, "open", real_open)
    inner.unlink()
    inner.write_text("eigen", encoding="utf-8")

    # a folder on the way becomes a link: the open file's own path (/proc/self/fd) is outside
    if not os.path.exists("/proc/self/fd"):
        pytest.skip("the open file's path is checked on Linux only")

    def swap_folder():
        (project / "data").rename(project / "oud")
        (project / "data").symlink_to(outside)

    monkeypatch.setattr(begroot.paths.os, "open", swap_then_open(swap_folder))
    with pytest.raises(OutsideProject):
        open_inside(project, inner)


def test_finance_file_swapped_for_a_link_after_the_check_is_not_read(tmp_path, monkeypatch):
    secret = tmp_path / "geheim.csv"
    secret.write_text(SECRET_FINANCE, encoding="utf-8")
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)
    checked = begroot.paths.check_project_paths

    def check_then_swap(root, config, problems):
        ok = checked(root, config, problems)  # the file is a plain file inside the project here
        _swap(project / "begroting-2024" / "financien.csv", secret)
        return ok

    monkeypatch.setattr(begroot.paths, "check_project_paths", check_then_swap)
    loaded = load_project(project)
    problem = next(p for p in loaded.problems.errors if p.file == "begroting-2024/financien.csv")
    assert "outside the project" in problem.message and "not read" in problem.message
    assert "GEHEIM" not in repr(loaded.problems.items) + repr(loaded.budget)


def test_text_and_its_image_swapped_for_links_after_the_check_are_not_read(tmp_path, monkeypatch):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:GEHEIM:/root:/bin/bash\n", encoding="utf-8")
    (tmp_path / "geheim.png").write_bytes(png(rgb=(1, 2, 3)))
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.md": "Eigen tekst.\n",
        "begroting-2024/teksten/2-doelstelling.md": "Met een foto: ![foto](foto.png)\n",
        "begroting-2024/teksten/foto.png": png()})
    texts = project / "begroting-2024" / "teksten"
    identity = begroot.read.texts.file_identity

    def identity_then_swap(path):  # called right after the text's check, before it is opened
        if path.name == "1-doelstelling.md" and not path.is_symlink():
            _swap(path, secret)
        return identity(path)

    checked_image = begroot.paths.inside

    def inside_then_swap(root, path):  # the image's check, then the swap
        ok = checked_image(root, path)
        if path.name == "foto.png" and not path.is_symlink():
            _swap(path, tmp_path / "geheim.png")
        return ok

    monkeypatch.setattr(begroot.read.texts, "file_identity", identity_then_swap)
    monkeypatch.setattr(begroot.paths, "inside", inside_then_swap)
    loaded = load_project(project)
    found = {(p.code, p.file) for p in loaded.problems.errors}
    assert ("path-outside", "begroting-2024/teksten/1-doelstelling.md") in found, loaded.problems.items
    assert ("path-outside", "begroting-2024/teksten/2-doelstelling.md") in found, loaded.problems.items
    assert (texts / "1-doelstelling.md").is_symlink() and (texts / "foto.png").is_symlink()
    assert "GEHEIM" not in repr(loaded.problems.items)


def test_logo_swapped_for_a_link_after_the_check_is_not_published(tmp_path, monkeypatch):
    (tmp_path / "geheim.png").write_bytes(png(rgb=(1, 2, 3)))
    toml = BASE_TOML.replace("[[editions]]", '[theme]\nlogo = "huisstijl/logo.png"\n\n[[editions]]') + LONG_SOURCE
    project = write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE, files={"huisstijl/logo.png": png()})
    from begroot.publish import site as publish_site

    written = publish_site.write_site

    def write_then_swap(*args, **kwargs):  # the pages are written long after begroot.toml was checked
        pages = written(*args, **kwargs)
        _swap(project / "huisstijl" / "logo.png", tmp_path / "geheim.png")
        return pages

    monkeypatch.setattr(publish_site, "write_site", write_then_swap)
    with pytest.raises(BegrootError, match="huisstijl/logo.png .*outside the project"):
        begroot.build.build(project, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_peer_file_swapped_for_a_link_after_the_check_is_not_read(tmp_path, monkeypatch):
    """``peers = "landelijk.csv"`` (or a compact ``.json``) is checked with the settings, then
    opened inside the project only: a link planted meanwhile is refused, not read."""
    from .test_peers import HEADER

    secret = tmp_path / "geheim.csv"
    secret.write_text(HEADER + "GEHEIMSTAD;0.1 Bestuur;;x;1.0;2.0;20000tot50000inwoners;20000\n", encoding="utf-8")
    secret_json = tmp_path / "geheim.json"
    secret_json.write_text('{"kind": "GEHEIM"}', encoding="utf-8")
    for name, target in (("landelijk.csv", secret), ("landelijk.json", secret_json)):
        toml = BASE_TOML.replace('year = 2024\n', f'year = 2024\npeers = "{name}"\n') + LONG_SOURCE
        project = write_project(tmp_path / name, toml=toml, finance=GOOD_FINANCE, files={name: "eigen\n"})
        checked = begroot.paths.check_project_paths

        def check_then_swap(root, config, problems, project=project, name=name, target=target):
            ok = checked(root, config, problems)  # a plain file inside the project here
            _swap(project / name, target)
            return ok

        monkeypatch.setattr(begroot.paths, "check_project_paths", check_then_swap)
        loaded = load_project(project)
        monkeypatch.setattr(begroot.paths, "check_project_paths", checked)
        problem = next(p for p in loaded.problems.errors if p.file == name)
        assert "outside the project" in problem.message and "not read" in problem.message, problem.format()
        assert "GEHEIM" not in repr(loaded.problems.items)


def test_data_package_and_its_file_swapped_for_links_after_the_check_are_not_read(tmp_path, monkeypatch):
    from .test_fdp import BUDGET_CSV, TOML, package

    outside = tmp_path / "buiten"
    outside.mkdir()
    (outside / "datapackage.json").write_text(package(resource_extra={"name": "GEHEIM"}), encoding="utf-8")
    (outside / "budget.csv").write_text("functional_classification,economic_classification,amount\n"
                                        "1.1,GEHEIM-1,999\n", encoding="utf-8")
    for swapped in ("datapackage.json", "budget.csv"):
        project = write_project(tmp_path / swapped, toml=TOML, files={
            "begroting-2024/open/datapackage.json": package(), "begroting-2024/open/budget.csv": BUDGET_CSV})
        checked = begroot.paths.check_project_paths

        def check_then_swap(root, config, problems, project=project, swapped=swapped):
            ok = checked(root, config, problems)
            _swap(project / "begroting-2024" / "open" / swapped, outside / swapped)
            return ok

        monkeypatch.setattr(begroot.paths, "check_project_paths", check_then_swap)
        loaded = load_project(project)
        monkeypatch.setattr(begroot.paths, "check_project_paths", checked)
        problem = next(p for p in loaded.problems.errors if p.file.startswith("begroting-2024/open/"))
        assert "outside the project" in problem.message and "not read" in problem.message, problem.format()
        assert "GEHEIM" not in repr(loaded.problems.items) + repr(loaded.budget)
