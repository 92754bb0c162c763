"""A group extends the lexicons with its own file: local places, local words, a new language."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.triage import Triager
from hotline.triage.lexicon import LexiconError, load_lexicons

GROUP_HT = """
[categories]
water = ["bokit dlo"]

[location]
place = ["Nan Bannann", "Site Solèy"]
"""

GROUP_PT = """
[language]
name = "Português"
stopwords = ["nós", "precisamos", "de", "uma", "não", "temos", "somos", "e", "na", "meu", "está"]

[categories]
water = ["água"]
food = ["comida", "fome"]

[kind]
request = ["precisamos", "por favor"]

[emergency]
rescue = ["preso nos escombros"]

[people]
before = ["somos"]

[numbers]
cinco = 5

[location]
street_before = ["rua"]
"""


@pytest.fixture
def group_dir(tmp_path: Path) -> Path:
    (tmp_path / "ht.toml").write_text(GROUP_HT, encoding="utf-8")
    (tmp_path / "pt.toml").write_text(GROUP_PT, encoding="utf-8")
    return tmp_path


def test_group_file_adds_a_neighbourhood_and_words(group_dir: Path) -> None:
    triager = Triager(extra_lexicon_dirs=[group_dir])
    result = triager.triage("nou bezwen bokit dlo nan Site Soley tanpri")
    assert result.categories == ("water",)
    assert result.location == "Site Soley"
    # The built-in Creole words are still there: the group file extends, it does not replace.
    assert triager.triage("nou bezwen manje").categories == ("food",)


def test_group_file_adds_a_language(group_dir: Path) -> None:
    triager = Triager(extra_lexicon_dirs=[group_dir])
    assert "pt" in triager.languages
    result = triager.triage("Somos cinco, precisamos de água e comida na rua Augusta")
    assert result.language == "pt"
    assert result.categories == ("water", "food")
    assert result.kind == "request"
    assert result.people == 5
    assert result.location == "rua Augusta"
    assert triager.triage("meu pai está preso nos escombros").urgency == "emergency"


def test_without_the_group_file_the_neighbourhood_is_unknown() -> None:
    assert Triager().triage("nou nan site soley").location is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[categories]\nwater = 'dlo'\n", "expected a list"),
        ("[categories]\nwifi = ['internet']\n", "unknown label 'wifi'"),
        ("[weather]\nrain = ['lapli']\n", "unknown section"),
        ("[numbers]\nsenk = 'five'\n", "whole number"),
        ("[categories\n", "ht.toml"),
        ("[categories]\nwater = ['d*']\n", "too short"),
    ],
)
def test_a_broken_group_file_says_where(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "ht.toml").write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        Triager(extra_lexicon_dirs=[tmp_path])


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="not a directory"):
        load_lexicons([tmp_path / "nowhere"])


def test_builtin_lexicons_cover_the_four_languages() -> None:
    lexicons = load_lexicons()
    assert {"en", "es", "fr", "ht"} <= set(lexicons)
    for lexicon in lexicons.values():
        assert lexicon.stopwords, lexicon.code
        assert ("categories", "water") in lexicon.phrases, lexicon.code
