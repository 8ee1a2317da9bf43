"""Shared pytest fixtures. Each section belongs to one area; add yours as a new section."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so CI judges the code and not the
# draw (a test's examples change when its code does); POSTLINGO_EXPLORE=1, as `make fuzz`
# sets, draws anew and keeps failures in .hypothesis/ to replay them.
settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile("explore" if os.environ.get("POSTLINGO_EXPLORE") else "fixed")

# No test reads or writes the Argos packages of the machine it runs on (a copy model
# left in ~/.local/share/argos-translate would turn every later `make run` into "argos").
os.environ["ARGOS_PACKAGES_DIR"] = tempfile.mkdtemp(prefix="postlingo-test-argos-")
# Nor the user's cache folder: the key that signs kept post trees, langdetect's table.
os.environ["POSTLINGO_CACHE_HOME"] = tempfile.mkdtemp(prefix="postlingo-test-cache-")

# --- Argos packages (issue 3): tiny copy-model packages, built once per session ---


@pytest.fixture(scope="session")
def argos_archives(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """.argosmodel files for en→ko, ko→en and en→ja whose models copy their input."""
    from tests.argos_models import build_package

    out = tmp_path_factory.mktemp("argos-archives")
    return {pair: build_package(out, *pair) for pair in (("en", "ko"), ("ko", "en"), ("en", "ja"))}


@pytest.fixture
def argos_project(tmp_path: Path, argos_archives: dict[tuple[str, str], Path]) -> Path:
    """A project root whose models_dir holds all three packages, installed the real way."""
    from pipeline import models

    packages = tmp_path / "models"
    for archive in argos_archives.values():
        models.install_archive(archive, packages)
    (tmp_path / "postlingo.toml").write_text(
        'targets = ["ko", "ja"]\nmodels_dir = "models"\n', encoding="utf-8"
    )
    return tmp_path


# --- end Argos packages ---
