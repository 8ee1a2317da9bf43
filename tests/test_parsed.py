"""Post trees kept between runs: read once by extract, reused by translate and build,
and never loaded unless this user's key signed them."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import shutil
import zlib
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import files, parsed, sources
from pipeline.cli import Context, cli
from tests.test_incremental import make_project, outputs

STAGES = (("extract",), ("translate",), ("build",))


def postlingo(root: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["-C", str(root), *args], obj=Context())
    assert result.exit_code in (0, 1), result.output


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each post was parsed from its source, in this process."""
    done: Counter[str] = Counter()
    original = sources.read

    def counted(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        done[Path(path).name] += 1
        return original(path, *args, **kwargs)

    monkeypatch.setattr(sources, "read", counted)
    return done


@pytest.fixture
def key_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv(files.CACHE_ENV, str(home))
    parsed._key.cache_clear()
    yield home
    parsed._key.cache_clear()


def test_extract_parses_each_post_once_and_the_later_stages_reuse_it(
    tmp_path: Path, key_home: Path, reads: Counter[str]
) -> None:
    root = tmp_path / "blog"
    make_project(root, tmp_path / "no-models")
    postlingo(root, "extract")
    assert reads == Counter({"alpha.md": 1, "beta.md": 1, "gamma.md": 1})
    reads.clear()
    postlingo(root, "translate")
    postlingo(root, "build")
    assert reads == Counter()
    assert (key_home / "parsed.key").stat().st_mode & 0o777 == 0o600

    # the same stages with nothing kept between them make the same bytes
    fresh = tmp_path / "fresh" / "blog"  # the project is named after its folder
    make_project(fresh, tmp_path / "no-models")
    for stage in STAGES:
        shutil.rmtree(fresh / ".postlingo", ignore_errors=True)
        postlingo(fresh, *stage)
    assert outputs(fresh) == outputs(root)


def _foreign(payload: object, key: bytes) -> bytes:
    body = zlib.compress(pickle.dumps(payload))
    return hmac.new(key, body, hashlib.sha256).digest() + body


class _Explodes:
    """Loading this pickle would create a file: proof that a foreign file was loaded."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.write_text, (self.target, "pwned"))


@pytest.mark.parametrize("signer", ["another key", "no key", "damaged", "other bytes"])
def test_a_kept_tree_is_loaded_only_if_this_user_signed_it_for_these_bytes(
    tmp_path: Path, key_home: Path, reads: Counter[str], signer: str
) -> None:
    root = tmp_path / "blog"
    make_project(root, tmp_path / "no-models")
    postlingo(root, "extract")
    kept = root / parsed.FOLDER / "source%2Falpha.md.pickle"
    assert kept.is_file()
    pwned = tmp_path / "pwned"
    if signer == "another key":  # a file shipped with the project, signed by its author
        kept.write_bytes(_foreign(("x", _Explodes(pwned)), os.urandom(32)))
    elif signer == "no key":
        kept.write_bytes(zlib.compress(pickle.dumps(("x", _Explodes(pwned)))))
    elif signer == "damaged":
        kept.write_bytes(kept.read_bytes()[:-20])
    else:  # signed by us, for the post as it was: the post changed since
        alpha = root / "source" / "alpha.md"
        alpha.write_text(alpha.read_text() + "\nOne more line.\n")
    reads.clear()
    postlingo(root, "translate")
    assert not pwned.exists()
    assert reads == Counter({"alpha.md": 1})  # parsed again, not loaded
    reads.clear()
    postlingo(root, "build")
    assert reads == Counter()  # and kept again for the next stage


def test_with_nowhere_to_keep_a_key_every_stage_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: Counter[str]
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(files.CACHE_ENV, str(blocked))
    parsed._key.cache_clear()
    try:
        root = tmp_path / "blog"
        make_project(root, tmp_path / "no-models")
        postlingo(root, "extract")
        postlingo(root, "translate")
        assert reads["alpha.md"] == 2
        assert not (root / parsed.FOLDER).exists()
    finally:
        parsed._key.cache_clear()


def test_a_whole_run_forgets_the_trees_of_posts_that_are_gone(
    tmp_path: Path, key_home: Path
) -> None:
    root = tmp_path / "blog"
    make_project(root, tmp_path / "no-models")
    postlingo(root, "run")
    assert len(list((root / parsed.FOLDER).iterdir())) == 3
    (root / "source" / "gamma.md").unlink()
    postlingo(root, "run")
    assert sorted(p.name for p in (root / parsed.FOLDER).iterdir()) == [
        "source%2Falpha.md.pickle",
        "source%2Fbeta.md.pickle",
    ]
