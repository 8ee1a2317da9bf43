"""Incremental runs: each kind of input edited in turn changes exactly what depends on it.

Every step edits one input (a post, a catalog by hand, the model, the glossary,
a template, the config, the state itself), runs `translate` + `build` through
the CLI, and checks three things: the outputs that changed are exactly the ones
that depend on the edit; the work done was only theirs (templates made,
catalogs merged, pages rendered); and every output is byte-identical to a clean
full run over a fresh copy of the inputs.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import catalog, models, posts, site
from pipeline import state as state_module
from pipeline.cli import Context, cli
from pipeline.state import STATE_FILE

TARGETS = ("ko", "ja", "de")
POSTS = {
    "alpha": "---\ntitle: Alpha post\nlang: en\n---\n"
    "The clinic opens at nine. Bring your **ID card** along.\n\n"
    "## Before you book\n\nCall the front desk first. They answer within a day.\n",
    "beta": "---\ntitle: Beta post\nlang: en\ndescription: A short guide.\n---\n"
    "Recovery takes two weeks. Swelling goes down on day four.\n\n"
    "- Rest on day one.\n- Walk on day two.\n",
    "gamma": "---\ntitle: Gamma post\nlang: en\n---\n"
    "A mini facelift lifts the SMAS layer. Results last for years.\n",
}
MANIFEST = ".postlingo/built/site.txt"  # what the last full build wrote
INPUTS = ("source", "postlingo.toml", "glossary.csv", "templates")


def config_text(models_dir: Path, base_url: str = "") -> str:
    targets = ", ".join(f'"{t}"' for t in TARGETS)
    return (
        f'targets = [{targets}]\nmodels_dir = "{models_dir}"\nbase_url = "{base_url}"\n'
        "[locale.ko]\npublish_machine_translation = true\n"
    )


def make_project(root: Path, models_dir: Path) -> None:
    (root / "source").mkdir(parents=True)
    for slug, text in POSTS.items():
        (root / "source" / f"{slug}.md").write_text(text, encoding="utf-8")
    (root / "postlingo.toml").write_text(config_text(models_dir), encoding="utf-8")
    (root / "glossary.csv").write_text("SMAS,*,\n", encoding="utf-8")
    (root / "templates").mkdir()
    shutil.copy(Path(site.__file__).parent / "templates" / "post.html", root / "templates")


def outputs(root: Path) -> dict[str, bytes]:
    """Every file the pipeline makes (templates, catalogs, pages, the site's manifest), by path."""
    found = {}
    for folder in ("locales", "site", ".postlingo/built"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


class Work(Counter[str]):
    """What a run did: templates made, catalogs merged, pages rendered."""


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Work:
    done = Work()

    def counted(name: str, function):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            done[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(catalog, "template", counted("templates", catalog.template))
    monkeypatch.setattr(catalog, "merge", counted("merges", catalog.merge))
    monkeypatch.setattr(site.Site, "post", counted("pages", site.Site.post))
    monkeypatch.setattr(posts, "POOL_THRESHOLD", 10**6)  # counted in this process
    return done


def postlingo(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["-C", str(root), *args], obj=Context())
    if result.exit_code not in (0, 1):
        raise AssertionError(f"postlingo {' '.join(args)}: {result.output}") from result.exception
    return result.output


def run(root: Path) -> dict[str, bytes]:
    postlingo(root, "translate")
    postlingo(root, "build")
    return outputs(root)


def clean_run(root: Path, scratch: Path) -> dict[str, bytes]:
    """The same inputs (and the catalogs) in a fresh copy: no state, no site."""
    fresh = scratch / root.name
    shutil.rmtree(scratch, ignore_errors=True)
    fresh.mkdir(parents=True)
    for name in INPUTS:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, fresh / name)
        elif src.is_file():
            shutil.copy(src, fresh / name)
    if (root / "locales").is_dir():  # as a checkout has them: catalogs and templates
        shutil.copytree(root / "locales", fresh / "locales")
    return run(fresh)


def pages(*slugs: str, locales: tuple[str, ...] = ("en",)) -> set[str]:
    return {f"site/{loc}/{slug}.html" for slug in slugs for loc in locales}


def review_one_entry(po_file: Path) -> None:
    """What a reviewer does in a PO editor: translate one entry and clear its fuzzy flag."""
    po = catalog.load(po_file)
    entry = next(e for e in po if not e.obsolete)
    entry.msgstr = "Die Klinik öffnet um neun."
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    po_file.write_text(catalog.dump(po, 79), encoding="utf-8")


def test_each_input_changes_exactly_what_depends_on_it(
    tmp_path: Path, work: Work, argos_archives: dict[tuple[str, str], Path]
) -> None:
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    root = tmp_path / "blog"
    make_project(root, models_dir)
    scratch = tmp_path / "clean"

    def step(edit, expected: set[str], **did: int) -> None:  # type: ignore[no-untyped-def]
        before = outputs(root)
        edit()
        work.clear()
        after = run(root)
        assert changed(before, after) == expected
        for name, count in did.items():
            assert work[name] == count, (name, dict(work))
        assert after == clean_run(root, scratch)

    every_page = {p for p in outputs(root)}  # nothing built yet
    assert not every_page
    first = run(root)
    assert first == clean_run(root, scratch)
    sources_only = pages(*POSTS) | {"site/en/index.html"}
    assert {p for p in first if p.startswith("site/") and p.endswith(".html")} == sources_only | {
        "site/index.html"
    }

    # nothing changed: nothing is made again
    step(lambda: None, set(), templates=0, merges=0, pages=0)

    # a reviewer translates one entry of a catalog: that catalog's page appears in de,
    # and with it the de index, de in the language links of alpha and of every index
    de_alpha = root / "locales" / "de" / "alpha.po"
    step(
        lambda: review_one_entry(de_alpha),
        {"locales/de/alpha.po", "site/de/alpha.html", "site/de/index.html"}
        | {"site/en/alpha.html", "site/en/index.html", "site/index.html", "site/sitemap.xml"}
        | {MANIFEST},
        templates=1,
        merges=1,
        pages=2,
    )

    # a model arrives for en→ko: ko catalogs lose their pseudo text, ko pages appear
    ko = {f"locales/ko/{slug}.po" for slug in POSTS} | pages(*POSTS, locales=("ko",))
    step(
        lambda: models.install_archive(argos_archives[("en", "ko")], models_dir),
        ko | pages(*POSTS) | {"site/de/alpha.html", "site/ko/index.html"}
        | {"site/en/index.html", "site/de/index.html", "site/index.html", "site/sitemap.xml"}
        | {MANIFEST},
        merges=len(POSTS),
    )  # fmt: skip

    # the model's identity changes (a new package version): every ko catalog is merged
    # again, and since machine output already there is kept, nothing changes
    def new_model() -> None:
        models.remove(models_dir, "en", "ko")
        from tests.argos_models import build_package

        models.install_archive(build_package(tmp_path / "v2", "en", "ko", "1.1"), models_dir)

    step(new_model, set(), merges=len(POSTS), pages=0)

    # the glossary is part of the Argos engine's identity: catalogs merged, nothing changes
    glossary = root / "glossary.csv"
    step(lambda: glossary.write_text("SMAS,*,\nclinic,ko,클리닉\n"), set(), merges=len(POSTS))

    # one post edited: its template, its catalogs, its published pages; no index
    beta = root / "source" / "beta.md"
    step(
        lambda: beta.write_text(POSTS["beta"] + "\nBring a friend to drive you home.\n"),
        {"locales/beta.pot", *(f"locales/{t}/beta.po" for t in TARGETS)}
        | pages("beta", locales=("en", "ko")),
        templates=1,
        merges=len(TARGETS),
        pages=2,
    )

    # a post's title edited: its pages, and the indexes that list it
    step(
        lambda: beta.write_text(beta.read_text().replace("Beta post", "Notes on recovery")),
        {"locales/beta.pot", *(f"locales/{t}/beta.po" for t in TARGETS)}
        | pages("beta", locales=("en", "ko"))
        | {"site/en/index.html", "site/ko/index.html"},
        templates=1,
        pages=2,
    )

    # a post's date set: its pages and the indexes that list it (newest first, dated);
    # its catalogs too, as their source references moved down a line
    step(
        lambda: beta.write_text(
            beta.read_text().replace("lang: en\n", "lang: en\ndate: 2024-05-01\n")
        ),
        {"locales/beta.pot", *(f"locales/{t}/beta.po" for t in TARGETS)}  # lines moved
        | pages("beta", locales=("en", "ko"))
        | {"site/en/index.html", "site/ko/index.html"},
        pages=2,
    )
    assert '<time datetime="2024-05-01">' in (root / "site" / "ko" / "index.html").read_text()

    # a template edited: every post page, nothing else
    post_template = root / "templates" / "post.html"
    all_post_pages = pages(*POSTS, locales=("en", "ko")) | {"site/de/alpha.html"}
    step(
        lambda: post_template.write_text(
            post_template.read_text().replace("</article>", "</article>\n<footer>Hi</footer>")
        ),
        all_post_pages,
        templates=0,
        merges=0,
        pages=len(all_post_pages),
    )

    # the config: base_url changes every page and the sitemap, no catalog
    config = root / "postlingo.toml"
    indexes = {f"site/{loc}/index.html" for loc in ("en", "ko", "de")} | {"site/index.html"}
    step(
        lambda: config.write_text(config_text(models_dir, "https://blog.example")),
        all_post_pages | indexes | {"site/sitemap.xml"},
        merges=0,
    )

    # a page edited by hand in site/ is made again (the state never wins over the file)
    hand = root / "site" / "ko" / "gamma.html"
    step(lambda: hand.write_text("edited"), set(), pages=1)

    # a post links to another: its pages and catalogs change, nothing else
    gamma = root / "source" / "gamma.md"
    step(
        lambda: gamma.write_text(POSTS["gamma"] + "\nSee [the recovery notes](beta.md).\n"),
        {"locales/gamma.pot", *(f"locales/{t}/gamma.po" for t in TARGETS)}
        | pages("gamma", locales=("en", "ko")),
        templates=1,
        merges=len(TARGETS),
        pages=2,
    )

    # the linking post is published in de, where the linked one is not: its link
    # goes to the linked post's source page
    step(
        lambda: review_one_entry(root / "locales" / "de" / "gamma.po"),
        {"locales/de/gamma.po", "site/de/index.html", "site/sitemap.xml", MANIFEST}
        | pages("gamma", locales=("en", "ko", "de")),
        merges=1,
        pages=3,
    )
    assert 'href="../en/beta.html"' in (root / "site" / "de" / "gamma.html").read_text()

    # the linked post is published in de too: the linking de page now links there
    step(
        lambda: review_one_entry(root / "locales" / "de" / "beta.po"),
        {"locales/de/beta.po", "site/de/index.html", "site/sitemap.xml", MANIFEST}
        | pages("beta", locales=("en", "ko", "de"))
        | {"site/de/gamma.html"},
        merges=1,
    )
    assert 'href="beta.html"' in (root / "site" / "de" / "gamma.html").read_text()
    all_post_pages |= pages("beta", "gamma", locales=("de",))

    # the state lost, corrupt, or from another version: only time is lost
    state = root / STATE_FILE
    everything = {"templates": len(POSTS), "merges": len(POSTS) * len(TARGETS)}
    step(lambda: state.unlink(), set(), **everything, pages=len(all_post_pages))
    step(lambda: state.write_text("{not json"), set(), **everything)

    def foreign() -> None:
        data = json.loads(state.read_text())
        data["code"] = "another version"
        state.write_text(json.dumps(data))

    step(foreign, set(), **everything)

    # a record that lies about a catalog's output is not believed either
    def lie() -> None:
        data = json.loads(state.read_text())
        data["records"]["po:ko/gamma"]["output"] = "0" * 32
        state.write_text(json.dumps(data))

    step(lie, set(), merges=1)

    # records whose digests match but whose facts are damaged: read again, never crash
    def damaged() -> None:
        data = json.loads(state.read_text())
        for record in data["records"].values():
            for name in set(record) - {"inputs", "output"}:
                record[name] = {"not": ["what", "it", "was"]}
        state.write_text(json.dumps(data))

    step(damaged, set(), templates=len(POSTS))


def test_random_sequences_of_edits_match_a_clean_run(tmp_path: Path) -> None:
    """Edits and runs in a random order: every run's outputs equal a clean run's."""
    rng = random.Random(14)
    models_dir = tmp_path / "no-models"
    models_dir.mkdir()
    root = tmp_path / "blog"
    make_project(root, models_dir)
    run(root)
    words = ["Walk", "Rest", "Call", "Sleep", "Smile", "Read"]

    def edit_post() -> None:
        path = root / "source" / f"{rng.choice(sorted(POSTS))}.md"
        path.write_text(path.read_text() + f"\n{rng.choice(words)} a little every day.\n")

    def review() -> None:
        po_files = sorted((root / "locales").glob("*/*.po"))
        review_one_entry(rng.choice(po_files))

    def new_post() -> None:
        slug = f"extra{rng.randrange(1000)}"
        (root / "source" / f"{slug}.md").write_text(f"---\nlang: en\n---\n{rng.choice(words)}.\n")

    def remove_post() -> None:
        extra = sorted((root / "source").glob("extra*.md"))
        if extra:
            rng.choice(extra).unlink()

    def policy() -> None:
        config = root / "postlingo.toml"
        text = re.sub(r"\n\[locale\.de\][^\[]*", "", config.read_text())
        threshold = rng.choice([0, 50, 101])
        config.write_text(text + f"\n[locale.de]\nmin_translated = {threshold}\n")

    edits = [edit_post, review, new_post, remove_post, policy, lambda: None]
    for _ in range(6):
        for edit in rng.sample(edits, 2):
            edit()
        assert run(root) == clean_run(root, tmp_path / "clean")


def test_pool_output_is_serial_output_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Posts read and pages made by worker processes: the same bytes as in one process."""
    monkeypatch.setattr(posts, "workers", lambda: 2)  # a pool even on one core
    made = {}
    for name, threshold in (("serial", 10**6), ("pool", 0)):
        monkeypatch.setattr(posts, "POOL_THRESHOLD", threshold)
        root = tmp_path / name / "blog"
        make_project(root, tmp_path / "no-models")
        for i in range(7):
            text = POSTS["beta"].replace("Beta post", f"Post number {i}")
            (root / "source" / f"more-{i}.md").write_text(text + f"\nPost {i} ends here.\n")
        de_alpha = root / "locales" / "de" / "alpha.po"
        run(root)
        review_one_entry(de_alpha)
        made[name] = run(root)
    assert made["pool"] == made["serial"]
    assert "site/de/alpha.html" in made["pool"]


def test_a_whole_run_forgets_what_no_longer_exists(tmp_path: Path) -> None:
    root = tmp_path / "blog"
    make_project(root, tmp_path / "no-models")
    extra = root / "source" / "extra.md"
    extra.write_text("---\nlang: en\n---\nA short extra post.\n")
    postlingo(root, "run")
    records = json.loads((root / STATE_FILE).read_text())["records"]
    assert any("extra" in key for key in records)
    extra.unlink()
    postlingo(root, "run")
    records = json.loads((root / STATE_FILE).read_text())["records"]
    assert not [key for key in records if "extra" in key]
    assert "pot:alpha" in records and "page:site/en/alpha.html" in records


def test_a_no_op_run_reads_no_post_and_no_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run` builds the site and, with no model, the previews: both kept, nothing read again."""
    from pipeline import sources

    root = tmp_path / "blog"
    make_project(root, tmp_path / "no-models")
    postlingo(root, "run")
    before = outputs(root)
    read = Counter[str]()
    for module, name in ((catalog, "parse"), (sources, "read")):
        original = getattr(module, name)

        def counted(*args, _name=name, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            read[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    said = postlingo(root, "run")
    assert read == Counter(), read
    assert outputs(root) == before
    assert (
        "0 files changed" in said and (root / "site" / "_preview" / "ko" / "alpha.html").is_file()
    )


def test_settled_files_are_known_by_their_stat_and_any_write_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file unchanged since it settled is not read again; a same-size edit with its
    modification time put back is still seen (its change time moved)."""
    monkeypatch.setattr(state_module, "RACY_NS", 0)  # every file counts as settled at once
    root = tmp_path / "blog"
    make_project(root, tmp_path / "no-models")
    postlingo(root, "run")
    postlingo(root, "run")  # remembers the digests of what the first run wrote
    opened: list[str] = []
    real_open = open

    def counted_open(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(name))
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(state_module, "open", counted_open, raising=False)
    before = outputs(root)
    postlingo(root, "run")
    assert opened == [] and outputs(root) == before
    po = root / "locales" / "ko" / "alpha.po"
    text = po.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith('msgstr "⟦') and "å" in ln)
    edited = line.replace("å", "ö", 1)  # the same number of bytes
    times = po.stat()
    po.write_text(text.replace(line, edited), encoding="utf-8")
    os.utime(po, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert po.stat().st_size == times.st_size and po.stat().st_mtime_ns == times.st_mtime_ns
    postlingo(root, "run")
    assert str(po) in opened
    page = (root / "site" / "_preview" / "ko" / "alpha.html").read_text(encoding="utf-8")
    assert edited[len('msgstr "') : -1].split(" ")[0] in page


def test_a_damaged_list_of_file_digests_only_costs_reads(tmp_path: Path) -> None:
    root = tmp_path / "blog"
    make_project(root, tmp_path / "no-models")
    postlingo(root, "run")
    before = outputs(root)
    saved = json.loads((root / STATE_FILE).read_text())
    for damage in ({"x": [1, 2]}, [], {str(root / "source" / "alpha.md"): [0, 0, 0, 0, 5]}):
        (root / STATE_FILE).write_text(json.dumps({**saved, "files": damage}))
        postlingo(root, "run")
        assert outputs(root) == before
