import pytest

from pipeline.config import load
from pipeline.errors import PostlingoError


def write(tmp_path, text, name="postlingo.toml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_defaults_without_a_config(tmp_path):
    config = load(tmp_path)
    assert config.engine == "auto" and config.targets == () and config.wrap_width == 79


def test_reads_targets_and_locale_tables(tmp_path):
    config = load(
        write(tmp_path, 'targets = ["ko", "zh-Hans"]\n[locale.ko]\nmin_translated = 80\n')
    )
    assert config.targets == ("ko", "zh-Hans")
    assert config.for_locale("ko").min_translated == 80
    assert config.for_locale("zh-Hans").publish_machine_translation is False


def test_reads_tool_table_of_pyproject(tmp_path):
    config = load(write(tmp_path, '[tool.postlingo]\ntargets = ["ja"]\n', "pyproject.toml"))
    assert config.targets == ("ja",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('targets = ["ko"]\ntargest = ["ja"]\n', "postlingo.toml:2: unknown key 'targest'"),
        ('targets = "ko"\n', "postlingo.toml:1: targets must be a list of strings"),
        (
            "[locale.ko]\nmin_translated = true\n",
            "postlingo.toml:2: locale.ko.min_translated must be int",
        ),
        ('engine = "deepl"\n', "postlingo.toml:1: engine must be one of auto, argos, pseudo"),
        ('targets = ["xx-Nope"]\n', "postlingo.toml:1: targets: unknown locale 'xx-Nope'"),
        ('ignore = ["(unclosed"]\n', "postlingo.toml:1: ignore pattern"),
        ("targets = [\n", "postlingo.toml:1: invalid TOML"),
        (
            '[checks]\nplaceholders = "fatal"\n',
            "postlingo.toml:2: checks.placeholders must be one of",
        ),
    ],
)
def test_errors_name_the_key_file_and_line(tmp_path, text, message):
    with pytest.raises(PostlingoError) as info:
        load(write(tmp_path, text))
    assert message in str(info.value)
    assert info.value.exit_code == 2


def test_a_locale_table_applies_however_the_code_is_spelled(tmp_path):
    config = load(write(tmp_path, 'targets = ["zh-Hans"]\n[locale.zh_hans]\nmin_translated = 70\n'))
    assert config.for_locale("zh-Hans").min_translated == 70
