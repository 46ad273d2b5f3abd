"""The search index beside Pagefind's: which edition each indexed page belongs to."""

from __future__ import annotations

import gzip
import json


def test_every_page_of_an_edition_is_mapped_to_its_edition(demo_built):
    site, _ = demo_built
    editions = json.loads((site / "pagefind" / "begroot-editions.json").read_text(encoding="utf-8"))
    urls = {}
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        urls[fragment.name.removesuffix(".pf_fragment")] = data["url"]
    titles = {"begroting-2016": "Begroting 2016", "begroting-2023": "Begroting 2023",
              "jaarstukken-2023": "Jaarstukken 2023", "begroting-2024": "Begroting 2024"}
    for page_id, url in urls.items():
        first = url.strip("/").split("/")[0]
        assert editions.get(page_id) == titles.get(first), url
    assert set(editions.values()) == set(titles.values())
    # comparisons are not indexed: each text would be found again in every comparison with its edition
    assert not any(url.startswith("/vergelijk/") and url != "/vergelijk/" for url in urls.values())
    assert any(url == "/vergelijk/" for url in urls.values())
