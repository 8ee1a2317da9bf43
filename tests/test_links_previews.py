"""End to end on the sample: links that never die, honest previews, index pages to show."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.site_crawl import broken_links

REPO = Path(__file__).resolve().parent.parent


def postlingo(project: Path, *args: str, ok: tuple[int, ...] = (0,)) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "ARGOS_PACKAGES_DIR": str(project / "no-models")},
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode in ok and "Traceback" not in out, f"{args} → {proc.returncode}\n{out}"
    return out


def sample(root: Path, extra: str = "") -> Path:
    shutil.copytree(REPO / "source", root / "source")
    config = (REPO / "postlingo.toml").read_text(encoding="utf-8")
    (root / "postlingo.toml").write_text(extra + config, encoding="utf-8")
    return root


def machine_translate(project: Path, locale: str) -> None:
    """Stand-in machine output (not pseudo text): fuzzy, as a model would leave it."""
    for path in (project / "locales" / locale).glob("*.po"):
        po = polib.pofile(str(path))
        for entry in po:
            entry.msgstr = f"[{locale}] {entry.msgid}"
            if "fuzzy" not in entry.flags:
                entry.flags.append("fuzzy")
        po.save(str(path))


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`make run` on a machine with no model: pseudo catalogs, site and previews."""
    project = sample(tmp_path_factory.mktemp("ran"))
    return project, postlingo(project, "run")


def test_run_without_models_puts_previews_beside_the_site_and_says_where(ran):
    project, out = ran
    preview, site = project / "site" / "_preview", project / "site"
    assert "site/_preview/index.html" in out and "not translations" in out
    assert out.count("base_url is not set") == 1  # said once, not once per build
    for locale in ("ko", "en", "ja", "zh-Hans", "es", "ar"):
        assert (preview / locale / "index.html").is_file()
    assert "⟦" in (preview / "ja" / "mini-thread-lifting.html").read_text(encoding="utf-8")
    # the site itself has no pseudo text: what a plain build would deploy
    assert not any("⟦" in p.read_text(encoding="utf-8") for p in site.glob("*/*.html"))
    assert (site / "en" / "mini-thread-lifting.html").is_file()


def test_a_plain_build_after_run_keeps_the_previews_and_removes_nothing(ran):
    project, _ = ran
    before = sorted(p.relative_to(project) for p in (project / "site").rglob("*"))
    out = postlingo(project, "build", ok=(0, 1))
    assert "removed" not in out
    assert "pseudo previews of every locale stay in site/_preview/index.html" in out
    assert sorted(p.relative_to(project) for p in (project / "site").rglob("*")) == before


def test_the_manifest_lives_outside_the_site(ran):
    project, _ = ran
    assert not list((project / "site").rglob(".postlingo-files"))
    manifests = sorted(p.name for p in (project / ".postlingo" / "built").iterdir())
    assert manifests == ["site%2F_preview.txt", "site.txt"]


def test_a_removed_post_takes_its_pages_and_empty_folders_with_it(tmp_path):
    project = sample(tmp_path)
    postlingo(project, "run")
    (project / "site" / ".postlingo-files").write_text("stale.html\n")  # an older version's
    (project / "source" / "mini-thread-lifting.md").unlink()
    out = postlingo(project, "build", ok=(0, 1))
    assert "removed site/en/mini-thread-lifting.html" in out
    assert not (project / "site" / "en").exists()  # its only page went, so did the folder
    assert not (project / "site" / ".postlingo-files").exists()
    postlingo(project, "build", "--pseudo")
    assert not list((project / "site" / "_preview").glob("*/mini-thread-lifting.html"))


def test_a_link_goes_to_the_same_locale_when_published_else_to_the_source_with_hreflang(
    tmp_path,
):
    project = sample(tmp_path)
    postlingo(project, "run", "--engine", "pseudo")
    machine_translate(project, "ja")  # ja publishes machine output at 50%
    postlingo(project, "build", ok=(0, 1))
    site = project / "site"
    ja = (site / "ja" / "mini-facelift-recovery.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="mini-thread-lifting\.html">', ja)
    ko = (site / "ko" / "mini-facelift-recovery.html").read_text(encoding="utf-8")
    assert '<a href="../en/mini-thread-lifting.html" hreflang="en">' in ko  # ko is held back
    assert not (site / "ko" / "mini-thread-lifting.html").exists()


LINKS = """---
title: Links
lang: en
date: 2023-01-05
---

See [the recovery post](mini-facelift-recovery.md#top), [the lifting post](./mini-thread-lifting),
[the home page](../index.html), [a page elsewhere](https://example.com/x.html) and
![incision](images/mini-facelift-incision.svg).
"""


@pytest.mark.parametrize(
    "mode", [(), ("--pseudo",), ("--strict",), ("--strict", "--pseudo")], ids=" ".join
)
def test_no_build_mode_has_a_broken_internal_link(tmp_path, mode):
    project = sample(tmp_path)
    (project / "source" / "links.md").write_text(LINKS, encoding="utf-8")
    postlingo(project, "run", "--engine", "pseudo")
    machine_translate(project, "es")
    postlingo(project, "build", *mode, ok=(0, 1))
    for site in (project / "site", project / "site" / "_preview"):
        if (site / "index.html").is_file():
            assert broken_links(site) == [], site
    built = project / "site" / ("_preview" if "--pseudo" in mode else "")
    es = (built / "es" / "links.html").read_text(encoding="utf-8")
    assert 'href="mini-facelift-recovery.html#top"' in es


def test_index_pages_have_the_site_title_dates_newest_first_and_the_pseudo_banner(tmp_path):
    extra = '[site]\ntitle = "Clinic notes"\ndescription = "What patients ask us."\n\n'
    project = sample(tmp_path)
    config = (project / "postlingo.toml").read_text(encoding="utf-8")
    (project / "postlingo.toml").write_text(config + "\n" + extra, encoding="utf-8")
    (project / "source" / "links.md").write_text(LINKS, encoding="utf-8")
    postlingo(project, "build", "--pseudo")  # no catalogs: source pages only
    postlingo(project, "run")
    preview = project / "site" / "_preview"
    ko = (preview / "ko" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Clinic notes</h1>" in ko and "What patients ask us." in ko
    assert "<title>Clinic notes</title>" in ko
    assert 'class="pseudo-banner"' in ko  # the titles listed are pseudo text
    dates = re.findall(r'<time datetime="([\d-]+)">([^<]+)</time>', ko)
    assert dates == [("2024-06-12", "2024년 6월 12일"), ("2023-01-05", "2023년 1월 5일")]
    hrefs = re.findall(r'<li><a href="([^"]+)"', ko)
    assert hrefs[-1] == "mini-thread-lifting.html"  # undated: last
    en = (project / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert "pseudo-banner" not in en  # the site's own index shows source text only
    assert "January 5, 2023" in en
    post = (preview / "ar" / "mini-facelift-recovery.html").read_text(encoding="utf-8")
    assert '<p class="post-date"><time datetime="2024-06-12">' in post
