"""The characters a tag pattern cannot match without, which let detection skip lines (ruleset/literals.py)."""
from __future__ import annotations

import pytest
import regex

from compliance.ruleset import RuleSet
from compliance.ruleset.literals import compact, may_match, required_chars


def needs(pattern: str, flags: int = 0) -> list[str]:
    return ["".join(sorted(chars)) for chars in required_chars(pattern, flags)]


@pytest.mark.parametrize("pattern, expected", [
    (r"\(\s*AFP\s*\)", ["(", "A", "F", "P", ")"]),
    (r"(?:Photo|Foto|Bild):", ["BFP", ":"]),  # one branch is taken: one of their characters
    (r"[(（]\s*x", ["(（", "x"]),
    (r"(?:\(x)?y", ["y"]),  # an optional part requires nothing
    (r"a(?=[^\n]*©)", ["a", "©"]),  # a look-ahead sees the same line
    (r"a(?!b)", ["a"]),  # a negative look-ahead requires nothing
    (r"\p{Lu}[\p{L} ]+/\s?\p{Lu}", ["/"]),  # property classes: any letter, nothing required
    (r"[a-e]:", ["abcde", ":"]),
    (r"[\u0600-\u06ff]:", [":"]),  # a class is worth checking only when it is small and known
    (r"[^()]+", []),
])
def test_a_match_holds_one_character_of_each_required_set(pattern, expected):
    assert needs(pattern) == expected


@pytest.mark.parametrize("pattern, flags", [
    (r"(?i)afp", 0),  # case-insensitive: "a" is not required, "A" would do
    (r"afp", regex.IGNORECASE),
    (r"(?:afp){e<=1}", 0),  # fuzzy matching: a misspelt tag matches without its letters
    (r"[[:alpha:]]x", 0),  # a POSIX class, which Python's parser would read as literal brackets
    (r"(?V1)[[a-z]--[aeiou]]", 0),
    (r"\X\G(?|a|b)", 0),  # syntax only regex knows
])
def test_nothing_is_claimed_where_regex_reads_the_pattern_otherwise(pattern, flags):
    assert required_chars(pattern, flags) == ()


def test_a_line_lacking_a_required_character_is_skipped():
    need = required_chars(r"\(\s*AFP\s*\)")
    assert may_match(compact(need), set("PARIS (AFP) - Talks"))
    assert not may_match(compact(need), set("PARIS - Talks with AFP"))
    assert may_match(compact(()), set())  # no requirement: always searched
    either = compact(required_chars(r"[-–]\s*AFP\s*[-–]"))  # one of each dash set, and every letter
    assert may_match(either, set("x – AFP -")) and may_match(either, set("x - AFP -"))
    assert not may_match(either, set("x – AF -")) and not may_match(either, set("AFP"))


def test_no_built_in_tag_rule_skips_a_line_it_matches():
    """Every must-match example of every tag rule passes the check of the patterns that read it."""
    rs = RuleSet.load()
    checked = 0
    for ct in rs.tags:
        for example in ct.rule.examples.match:
            for line in example.text.split("\n"):
                for rx in filter(None, (ct.rx, ct.empty)):
                    if rx.compiled().search(line):
                        checked += 1
                        assert rx.may_match(set(line)), (ct.rule.id, line)
    assert checked > 50
