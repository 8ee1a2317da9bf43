from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from pipeline import models
from pipeline.config import Config
from pipeline.errors import PostlingoError
from pipeline.models_cli import models as models_group
from tests.argos_models import rezip

Archives = dict[tuple[str, str], Path]


def _cli(root: Path, *args: str) -> tuple[int, str, str]:
    config = Config(root=root, models_dir="models")
    runner = CliRunner()
    result = runner.invoke(
        models_group, list(args), obj=SimpleNamespace(config_or_defaults=lambda: config)
    )
    if isinstance(result.exception, PostlingoError):
        return 2, result.stdout, str(result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_install_list_remove(tmp_path: Path, argos_archives: Archives):
    code, out, _ = _cli(tmp_path, "install", str(argos_archives[("en", "ko")]))
    assert code == 0 and "installed translate-en_ko 1.0" in out
    assert (tmp_path / "models" / "translate-en_ko-1_0" / "model" / "model.bin").is_file()
    code, out, _ = _cli(tmp_path, "list")
    assert "en→ko  translate-en_ko  1.0" in out
    code, out, _ = _cli(tmp_path, "remove", "en", "ko")
    assert code == 0 and "removed translate-en_ko 1.0" in out
    assert "no Argos packages" in _cli(tmp_path, "list")[1]


def test_remove_missing_pair_is_an_error(tmp_path: Path):
    code, _, err = _cli(tmp_path, "remove", "en", "ko")
    assert code == 2 and "no Argos package for en→ko" in err


def test_listing_survives_a_folder_without_metadata(tmp_path: Path, argos_archives: Archives):
    directory = tmp_path / "models"
    models.install_archive(argos_archives[("en", "ko")], directory)
    (directory / "stray").mkdir()
    packages, skipped = models.installed(directory)
    assert [p.name for p in packages] == ["translate-en_ko"]
    assert "no metadata.json" in str(skipped[0])
    code, out, err = _cli(tmp_path, "list")
    assert code == 0 and "translate-en_ko" in out and "stray" in err


def test_newer_version_replaces_older(tmp_path: Path, argos_archives: Archives):
    from tests.argos_models import build_package

    directory = tmp_path / "models"
    models.install_archive(argos_archives[("en", "ko")], directory)
    newer = build_package(tmp_path, "en", "ko", "1.1")
    models.install_archive(newer, directory)
    packages, _ = models.installed(directory)
    assert [p.label for p in packages] == ["translate-en_ko 1.1"]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ({"drop": "model.bin"}, "no model/model.bin"),
        ({"drop": "sentencepiece.model"}, "no sentencepiece.model or bpe.model"),
        ({"drop": "metadata.json"}, "no metadata.json"),
        ({"metadata": {"from_code": "en", "to_code": "qq", "package_version": "1"}}, "unknown"),
        ({"metadata": {"from_code": "en", "to_code": "ko"}}, "no package_version"),
    ],
)
def test_bad_packages_install_nothing(
    tmp_path: Path, argos_archives: Archives, damage: dict, message: str
):
    bad = rezip(argos_archives[("en", "ko")], tmp_path / "bad.argosmodel", **damage)
    with pytest.raises(PostlingoError) as info:
        models.install_archive(bad, tmp_path / "models")
    assert message in info.value.message
    assert info.value.path == str(bad)
    assert not (tmp_path / "models").exists()


def test_corrupt_and_non_zip_files(tmp_path: Path, argos_archives: Archives):
    data = argos_archives[("en", "ko")].read_bytes()
    truncated = tmp_path / "truncated.argosmodel"
    truncated.write_bytes(data[: len(data) // 2])
    text = tmp_path / "text.argosmodel"
    text.write_text("hello")
    for path in (truncated, text):
        code, _, err = _cli(tmp_path, "install", str(path))
        assert code == 2 and str(path) in err
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


def test_zip_with_two_top_level_folders_is_rejected(tmp_path: Path):
    import zipfile

    path = tmp_path / "two.argosmodel"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a/metadata.json", "{}")
        zf.writestr("b/metadata.json", "{}")
    with pytest.raises(PostlingoError, match="exactly one folder"):
        models.validate_archive(path)


def test_route_direct_pivot_and_hint(tmp_path: Path, argos_archives: Archives):
    directory = tmp_path / "models"
    for pair in (("ko", "en"), ("en", "ja")):
        models.install_archive(argos_archives[pair], directory)
    packages, _ = models.installed(directory)
    assert [p.name for p in models.route(packages, "ko", "en") or []] == ["translate-ko_en"]
    assert [p.name for p in models.route(packages, "ko", "ja") or []] == [
        "translate-ko_en",
        "translate-en_ja",
    ]
    assert models.route(packages, "ko", "ar") is None
    hint = models.missing_hint(packages, "ko", "ar")
    assert "postlingo models install ko ar" in hint and "en ar" in hint and "ko en" not in hint


def test_packages_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "argos"))
    assert models.packages_dir(Config(root=tmp_path)) == tmp_path / "argos"
    assert models.packages_dir(Config(root=tmp_path, models_dir="m")) == tmp_path / "m"


def test_argos_codes():
    assert models.argos_code("zh-Hans") == "zh"
    assert models.argos_code("ko") == "ko"
    assert models.argos_code("zh-Hant") == "zt"


# --- the package index, served on 127.0.0.1 by the test ----------------------


@pytest.fixture
def index_server(tmp_path: Path, argos_archives: Archives) -> Iterator[str]:
    served = tmp_path / "served"
    served.mkdir()
    handler = partial(_QuietHandler, directory=str(served))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_port}/"
    archive = argos_archives[("en", "ko")]
    (served / archive.name).write_bytes(archive.read_bytes())
    index = [
        {"from_code": "en", "to_code": "ko", "package_version": "0.9", "links": [base + "x"]},
        {
            "from_code": "en",
            "to_code": "ko",
            "package_version": "1.0",
            "links": [base + archive.name],
        },
        {"from_code": "ko", "to_code": "en", "package_version": "1.0", "links": [base + "missing"]},
    ]
    (served / "index.json").write_text(json.dumps(index))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_install_from_index(tmp_path: Path, index_server: str):
    code, out, _ = _cli(tmp_path, "install", "en", "ko", "--index", index_server)
    assert code == 0 and "installed translate-en_ko 1.0" in out
    assert [p.label for p in models.installed(tmp_path / "models")[0]] == ["translate-en_ko 1.0"]
    assert not [p for p in (tmp_path / "models").iterdir() if p.name.startswith(".")]


def test_index_from_environment(tmp_path: Path, index_server: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index_server)
    assert _cli(tmp_path, "install", "en", "ko")[0] == 0


def test_index_without_the_pair_or_with_a_broken_link(tmp_path: Path, index_server: str):
    code, _, err = _cli(tmp_path, "install", "ja", "ko", "--index", index_server)
    assert code == 2 and "no package for ja→ko" in err
    code, _, err = _cli(tmp_path, "install", "ko", "en", "--index", index_server)
    assert code == 2 and "HTTP 404" in err


def test_offline_fails_fast_with_one_clear_line(tmp_path: Path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    code, _, err = _cli(tmp_path, "install", "en", "ko", "--index", f"http://127.0.0.1:{port}/")
    assert time.monotonic() - started < 5
    assert code == 2 and "cannot reach" in err and "offline?" in err and "\n" not in err.strip()


def test_traditional_chinese_locales_get_the_traditional_model():
    assert [models.argos_code(c) for c in ("zh-TW", "zh-HK", "zh-Hant-TW", "zh_Hant")] == ["zt"] * 4
    assert [models.argos_code(c) for c in ("zh", "zh-CN", "zh-Hans-SG")] == ["zh"] * 3
    assert [models.argos_code(c) for c in ("pt-BR", "pt_BR", "pt", "pt-PT")] == [
        "pb",
        "pb",
        "pt",
        "pt",
    ]
    assert [models.argos_code(c) for c in ("zt", "pb")] == ["zt", "pb"]  # already Argos codes


def test_an_unreadable_packages_folder_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def denied(self: Path) -> Iterator[Path]:
        raise PermissionError(13, "Permission denied")

    (tmp_path / "models").mkdir()
    monkeypatch.setattr(Path, "iterdir", denied)
    packages, skipped = models.installed(tmp_path / "models")
    assert packages == [] and "Permission denied" in str(skipped[0])


def test_remove_after_an_interrupted_removal(tmp_path: Path, argos_archives: Archives):
    directory = tmp_path / "models"
    package = models.install_archive(argos_archives[("en", "ko")], directory)
    leftover = directory / f".removing-{package.path.name}"  # what a killed removal left
    leftover.mkdir()
    (leftover / "model.bin").write_bytes(b"x")
    assert [p.label for p in models.remove(directory, "en", "ko")] == ["translate-en_ko 1.0"]
    assert models.installed(directory) == ([], [])


def _file_index(tmp_path: Path, link: str) -> str:
    index = tmp_path / "index.json"
    entry = {"from_code": "en", "to_code": "ko", "package_version": "1.0", "links": [link]}
    index.write_text(json.dumps([entry]))
    return index.as_uri()


def test_download_into_a_folder_that_cannot_be_made(tmp_path: Path, argos_archives: Archives):
    (tmp_path / "models").write_text("a file where the folder should be")
    url = _file_index(tmp_path, argos_archives[("en", "ko")].as_uri())
    code, _, err = _cli(tmp_path, "install", "en", "ko", "--index", url)
    assert code == 2 and "cannot write" in err and str(tmp_path / "models") in err


def test_a_bad_download_names_its_link(tmp_path: Path):
    bad = tmp_path / "bad.argosmodel"
    bad.write_text("not a zip")
    code, _, err = _cli(
        tmp_path, "install", "en", "ko", "--index", _file_index(tmp_path, bad.as_uri())
    )
    assert code == 2 and "not a zip archive" in err and bad.as_uri() in err
    assert not any((tmp_path / "models").iterdir())


def test_a_download_cut_short_is_one_clear_error(tmp_path: Path):
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(5)

    def answer_short() -> None:
        connection, _ = server.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[{")

    thread = threading.Thread(target=answer_short, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/index.json"
    try:
        code, _, err = _cli(tmp_path, "install", "en", "ko", "--index", url)
    finally:
        thread.join(5)
        server.close()
    assert code == 2 and "download failed" in err and url in err
