"""The checked program is cached on disk, keyed by the hash of the rule files and the engine."""
from pathlib import Path

import pytest

from rulelang import loader
from rulelang.errors import RuleCheckError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RULELANG_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_second_load_reads_the_cache_and_does_not_check_again(cache, monkeypatch):
    first = loader.load_rules(ROOT / "rules")
    assert len(list(cache.glob("program-*.pickle"))) == 1

    def no_check(*args, **kwargs):
        raise AssertionError("the rules were parsed and checked again")
    monkeypatch.setattr(loader, "_check_sources", no_check)
    second = loader.load_rules(ROOT / "rules")
    assert second.benefits == first.benefits
    assert (second.program.benefits["dagpenger"].rules_version
            == first.program.benefits["dagpenger"].rules_version)


def test_a_changed_file_misses_the_cache(cache, tmp_path):
    tree = tmp_path / "rules"
    for p in (ROOT / "rules").rglob("*.regel"):
        target = tree / p.relative_to(ROOT / "rules")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(p.read_text("utf-8"), "utf-8")
    loader.load_rules(tree)
    dagpenger = tree / "folketrygd" / "dagpenger.regel"
    dagpenger.write_text(dagpenger.read_text("utf-8").replace("antall_barn * ", "antall_barm * "), "utf-8")
    with pytest.raises(RuleCheckError):
        loader.load_rules(tree)
    assert len(list(cache.glob("program-*.pickle"))) == 1  # a failed check is not cached


def test_a_broken_cache_file_is_ignored(cache):
    loader.load_rules(ROOT / "rules")
    for p in cache.glob("program-*.pickle"):
        p.write_bytes(b"not a pickle")
    assert "dagpenger" in loader.load_rules(ROOT / "rules").benefits
