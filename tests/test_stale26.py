"""A rebuild publishes nothing of an earlier input: after one input changed, the rebuilt site
(with the build cache, from the previous site, or under ``begroot serve``) is the site a cold
build of the changed project gives, byte for byte."""

from pathlib import Path

from begroot.publish.reuse import put, reusing


def test_a_file_put_twice_with_the_old_sites_bytes_leaves_no_file_aside(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "index.html").write_text("<p>downloads</p>", encoding="utf-8")
    with reusing(new, old):
        put(new / "index.html", "<p>downloads</p>")  # a page written again once its files' sizes are known
        put(new / "index.html", "<p>downloads</p>")
    assert sorted(p.name for p in new.iterdir()) == ["index.html"]
