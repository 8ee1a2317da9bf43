"""Argos Translate packages: find, validate, install, remove, download.

argostranslate's own install_from_path imports argostranslate.translate (and
with it stanza and torch) and extracts whatever the zip holds; its listing
raises on a folder without metadata.json. So packages are read and installed
here, in Argos's own layout and folder (ARGOS_PACKAGES_DIR), or in the
project's `models_dir`. An install is validated first and then renamed into
place in one step: a bad file installs nothing. Nothing here imports
ctranslate2, so listing stays cheap enough for `auto` engine selection.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline import locales
from pipeline.config import Config
from pipeline.errors import PostlingoError

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
TOKENIZERS = ("sentencepiece.model", "bpe.model")
PIVOT = "en"
_EXTRA_LANGUAGES = {"zt", "pb"}  # Argos codes that are not ISO 639: Traditional Chinese, pt-BR


@dataclass(frozen=True)
class ArgosPackage:
    """An installed (or validated) translation package."""

    path: Path
    source: str  # Argos language code (from_code)
    target: str
    version: str
    tokenizer: str = "sentencepiece.model"
    target_prefix: str = ""

    @property
    def name(self) -> str:
        return f"translate-{self.source}_{self.target}"

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def argos_code(locale: str) -> str:
    """A configured locale as Argos names its language: zh-Hans → zh, ko → ko.

    Babel's script and region decide Chinese: zh-TW, zh-HK and zh-Hant-TW are
    written in Traditional characters, which Argos calls zt; pt-BR is pb.
    """
    language = locales.language(locale)
    if language not in ("zh", "pt"):
        return language
    try:
        parsed = locales.babel_locale(locale)
    except PostlingoError:  # not a locale Babel knows: left as given
        return language
    if language == "zh" and parsed.script == "Hant":
        return "zt"
    if language == "pt" and parsed.territory == "BR":
        return "pb"
    return language


def known_language(code: str) -> bool:
    """Whether an Argos code names a language, so a typo is refused before any download."""
    if code in _EXTRA_LANGUAGES:
        return True
    try:
        locales.validate(code)
    except PostlingoError:
        return False
    return code == code.lower() and code.isascii() and 2 <= len(code) <= 3


def packages_dir(config: Config) -> Path:
    """models_dir from the config, else Argos's own folder (ARGOS_PACKAGES_DIR)."""
    if config.models_dir:
        return config.resolve(os.path.expanduser(config.models_dir))
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"]).expanduser()
    from argostranslate import settings  # reads settings.json as Argos does

    return Path(settings.package_data_dir)


def _version_key(version: str) -> tuple[int, object]:
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def parse_metadata(raw: bytes, where: str | Path) -> dict[str, str]:
    """metadata.json's fields that matter, checked; errors name the file."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PostlingoError(f"metadata.json is not valid JSON: {exc}", where) from exc
    if not isinstance(data, dict):
        raise PostlingoError("metadata.json must hold an object", where)
    for key in ("from_code", "to_code", "package_version"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise PostlingoError(f"metadata.json has no {key}", where)
    if data.get("type", "translate") != "translate":
        raise PostlingoError(f"not a translation package (type {data['type']!r})", where)
    for key in ("from_code", "to_code"):
        if not known_language(data[key]):
            raise PostlingoError(f"metadata.json: unknown language {data[key]!r}", where)
    prefix = data.get("target_prefix", "")
    return {
        "source": data["from_code"],
        "target": data["to_code"],
        "version": data["package_version"],
        "target_prefix": prefix if isinstance(prefix, str) else "",
    }


def read_package(folder: Path) -> ArgosPackage:
    """An installed package folder, checked for metadata, model and tokenizer."""
    meta = folder / "metadata.json"
    if not meta.is_file():
        raise PostlingoError("not an Argos package: no metadata.json", folder)
    try:
        fields = parse_metadata(meta.read_bytes(), meta)
    except OSError as exc:
        raise PostlingoError(f"cannot read: {exc.strerror or exc}", meta) from exc
    if not (folder / "model" / "model.bin").is_file():
        raise PostlingoError("package has no model/model.bin", folder)
    tokenizer = next((t for t in TOKENIZERS if (folder / t).is_file()), None)
    if tokenizer is None:
        raise PostlingoError("package has no sentencepiece.model or bpe.model", folder)
    return ArgosPackage(folder, tokenizer=tokenizer, **fields)


def installed(directory: Path) -> tuple[list[ArgosPackage], list[PostlingoError]]:
    """Packages in a folder, and the folders skipped with the reason (never raises)."""
    packages: list[ArgosPackage] = []
    skipped: list[PostlingoError] = []
    if not directory.is_dir():
        return packages, skipped
    try:
        folders = sorted(directory.iterdir())
    except OSError as exc:
        skipped.append(PostlingoError(f"cannot read: {exc.strerror or exc}", directory))
        return packages, skipped
    for folder in folders:
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            packages.append(read_package(folder))
        except PostlingoError as exc:
            skipped.append(exc)
    packages.sort(key=lambda p: (p.source, p.target, _version_key(p.version)))
    return packages, skipped


def find(packages: list[ArgosPackage], source: str, target: str) -> ArgosPackage | None:
    """The newest package for a pair of Argos codes."""
    matching = [p for p in packages if (p.source, p.target) == (source, target)]
    return max(matching, key=lambda p: _version_key(p.version)) if matching else None


def route(packages: list[ArgosPackage], source: str, target: str) -> list[ArgosPackage] | None:
    """The packages that take source to target: one, or two through English."""
    direct = find(packages, source, target)
    if direct:
        return [direct]
    if PIVOT in (source, target):
        return None
    first, second = find(packages, source, PIVOT), find(packages, PIVOT, target)
    return [first, second] if first and second else None


def missing_hint(packages: list[ArgosPackage], source: str, target: str) -> str:
    """The one-line error for an unreachable pair, naming what to install."""
    direct = f"postlingo models install {source} {target}"
    if PIVOT in (source, target):
        return f"no Argos package for {source}→{target}; install one: {direct}"
    needed = [f"{a} {b}" for a, b in ((source, PIVOT), (PIVOT, target)) if not find(packages, a, b)]
    return (
        f"no Argos package for {source}→{target}; install one: {direct}  "
        f"(or, to pivot through English: postlingo models install {' and '.join(needed)})"
    )


# --- install -----------------------------------------------------------------


def _scratch(directory: Path, prefix: str, folder: bool = False) -> Path:
    """A new hidden file or folder beside the packages.

    Beside them, renames stay on one disk; hidden, listings skip it.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if folder:
            return Path(tempfile.mkdtemp(prefix=prefix, dir=directory))
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".argosmodel", dir=directory)
        os.close(fd)
        return Path(name)
    except OSError as exc:
        raise PostlingoError(f"cannot write: {exc.strerror or exc}", directory) from exc


def validate_archive(archive: Path) -> tuple[str, dict[str, str]]:
    """Check an .argosmodel before anything is written: returns its folder and metadata."""
    if not archive.is_file():
        raise PostlingoError("no such file", archive)
    if not zipfile.is_zipfile(archive):
        raise PostlingoError("not an Argos package: not a zip archive (corrupt?)", archive)
    try:
        with zipfile.ZipFile(archive) as zf:
            names = [n for n in zf.namelist() if n.strip("/")]
            tops = {PurePosixPath(n).parts[0] for n in names}
            if len(tops) != 1 or any(
                n.startswith("/") or ".." in PurePosixPath(n).parts or "\\" in n for n in names
            ):
                raise PostlingoError(
                    "not an Argos package: the zip must hold exactly one folder", archive
                )
            top = tops.pop()
            members = set(names)
            if f"{top}/metadata.json" not in members:
                raise PostlingoError("not an Argos package: no metadata.json", archive)
            fields = parse_metadata(zf.read(f"{top}/metadata.json"), archive)
            if f"{top}/model/model.bin" not in members:
                raise PostlingoError("package has no model/model.bin", archive)
            if not any(f"{top}/{t}" in members for t in TOKENIZERS):
                raise PostlingoError("package has no sentencepiece.model or bpe.model", archive)
            bad = zf.testzip()
            if bad is not None:
                raise PostlingoError(f"corrupt archive: {bad} fails its checksum", archive)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise PostlingoError(f"corrupt archive: {exc}", archive) from exc
    return top, fields


def install_archive(archive: Path, directory: Path) -> ArgosPackage:
    """Validate, extract beside the packages, then rename into place.

    An older package for the same pair is replaced, so the pair has one version.
    """
    top, _ = validate_archive(archive)
    staging = _scratch(directory, ".installing-", folder=True)
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
        package = read_package(staging / top)  # what was extracted must load too
        old, _ = installed(directory)
        replaced = [p.path for p in old if (p.source, p.target) == (package.source, package.target)]
        final = directory / top
        if final.exists() and final not in replaced:
            replaced.append(final)
        moved: list[tuple[Path, Path]] = []
        try:
            for path in replaced:
                moved.append((path, staging / f"old-{path.name}"))
                os.replace(*moved[-1])
            os.replace(staging / top, final)
        except OSError:
            for path, grave in reversed(moved):  # put the old package back
                if grave.exists():
                    os.replace(grave, path)
            raise
    except (OSError, zipfile.BadZipFile) as exc:
        raise PostlingoError(f"cannot install: {exc}", archive) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return read_package(final)


def remove(directory: Path, source: str, target: str) -> list[ArgosPackage]:
    """Remove every version of a pair: renamed away first, so no half-deleted package loads."""
    packages, _ = installed(directory)
    gone = [p for p in packages if (p.source, p.target) == (source, target)]
    if not gone:
        raise PostlingoError(f"no Argos package for {source}→{target} installed", directory)
    for package in gone:
        grave = _scratch(directory, ".removing-", folder=True)
        try:
            os.replace(package.path, grave / package.path.name)
            shutil.rmtree(grave)
        except OSError as exc:
            raise PostlingoError(f"cannot remove: {exc.strerror or exc}", package.path) from exc
    return gone


# --- package index -----------------------------------------------------------


def index_url(explicit: str | None = None) -> str:
    """--index, else ARGOS_PACKAGE_INDEX, else Argos's index; a folder URL gets index.json."""
    url = explicit or os.environ.get("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX
    return url if url.endswith(".json") else url.rstrip("/") + "/index.json"


def _fetch(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "postlingo"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        raise PostlingoError(f"download failed: HTTP {exc.code} for {url}") from exc
    except http.client.HTTPException as exc:  # e.g. the connection dropped mid-download
        raise PostlingoError(f"download failed: {url} broke off ({exc!r})") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PostlingoError(
            f"cannot reach {url} ({reason}); offline? install from a file instead: "
            "postlingo models install PATH.argosmodel"
        ) from exc


def fetch_index(url: str, timeout: float = 10) -> list[dict[str, object]]:
    """The index's entries; anything that is not an object is skipped."""
    raw = _fetch(url, timeout)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PostlingoError(f"the package index at {url} is not valid JSON") from exc
    if not isinstance(data, list):
        raise PostlingoError(f"the package index at {url} is not a list of packages")
    return [entry for entry in data if isinstance(entry, dict)]


def install_from_index(
    directory: Path, source: str, target: str, url: str, timeout: float = 10
) -> ArgosPackage:
    """Download the newest package for a pair from the index and install it."""
    entries = [
        e
        for e in fetch_index(url, timeout)
        if e.get("from_code") == source
        and e.get("to_code") == target
        and e.get("type", "translate") == "translate"
        and isinstance(e.get("links"), list)
    ]
    if not entries:
        raise PostlingoError(f"the package index at {url} has no package for {source}→{target}")
    entry = max(entries, key=lambda e: _version_key(str(e.get("package_version", ""))))
    raw_links = entry.get("links")
    links = (
        [link for link in raw_links if isinstance(link, str)] if isinstance(raw_links, list) else []
    )
    if not links:
        raise PostlingoError(f"the index entry for {source}→{target} has no download link")
    download = _scratch(directory, ".download-")
    try:
        error: PostlingoError | None = None
        for link in links:
            try:
                data = _fetch(link, timeout)
            except PostlingoError as exc:
                error = exc
                continue
            try:
                download.write_bytes(data)
            except OSError as exc:
                raise PostlingoError(f"cannot write: {exc.strerror or exc}", download) from exc
            try:
                return install_archive(download, directory)
            except PostlingoError as exc:  # name the link: the download is deleted below
                raise PostlingoError(f"{exc.message} (downloaded from {link})") from exc
        raise error or PostlingoError("download failed")
    finally:
        download.unlink(missing_ok=True)
