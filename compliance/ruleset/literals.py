"""The characters a pattern cannot match without: a line lacking them need not be searched.

``required_chars`` reads a pattern's syntax tree (Python's own regex parser, with
``regex``-only property classes such as ``\\p{Lu}`` read as "any letter") and
returns sets of characters: every match holds at least one character of each set.
It errs one way only: where it is unsure it requires nothing, so a skipped line
is one the pattern could never match.
"""
from __future__ import annotations

from re import _constants as sre  # noqa: PLC2701 - the stdlib's regex parser, stable since 3.11
from re import _parser

import regex

_PROPERTY = regex.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]")
# Syntax that ``regex`` reads otherwise than ``re`` would parse it: fuzzy matching (``{e<=1}``),
# POSIX classes (``[[:alpha:]]``) and version 1 set operations. No requirement is claimed for such a pattern.
_OTHER_SYNTAX = regex.compile(r"\{[^\d,}]|\[:\^?[a-z]+:\]|V1")
MAX_RANGE = 64  # a longer character range (``[a-z]`` is 26) requires too little to be worth checking

Need = tuple[frozenset[str], ...]
Test = tuple[frozenset[str], Need]


def required_chars(pattern: str, flags: int = 0) -> Need:
    """Sets of characters a match must hold one of each of; ``()`` when nothing is known for sure."""
    plain = _PROPERTY.sub(r"\\w", pattern)
    if flags & regex.IGNORECASE or _OTHER_SYNTAX.search(plain):
        return ()
    try:
        tree = _parser.parse(plain)
    except Exception:  # noqa: BLE001 - syntax only regex knows: no claim
        return ()
    if tree.state.flags & sre.SRE_FLAG_IGNORECASE:  # a leading (?i)
        return ()
    return tuple(frozenset(chars) for chars in _sequence(list(tree)))


def compact(need: Need) -> Test:
    """``need`` as the characters every match holds all of, and the sets it holds one of each of
    (the form ``may_match`` reads fastest)."""
    return frozenset(c for n in need if len(n) == 1 for c in n), tuple(dict.fromkeys(n for n in need if len(n) > 1))


def may_match(test: Test, chars: set[str] | frozenset[str]) -> bool:
    """Could a pattern with these needs (``compact``) match a text made of ``chars``?"""
    must, any_of = test
    if not must <= chars:
        return False
    for n in any_of:
        if n.isdisjoint(chars):
            return False
    return True


def _sequence(items: list) -> list[set[str]]:
    return [chars for op, arg in items for chars in _item(op, arg)]


def _item(op, arg) -> list[set[str]]:
    if op is sre.LITERAL:
        return [{chr(arg)}]
    if op is sre.IN:
        return _charset(arg)
    if op is sre.BRANCH:  # a match takes one branch: one of the branches' characters
        either: set[str] = set()
        for branch in arg[1]:
            needs = _sequence(list(branch))
            if not needs:
                return []
            either |= min(needs, key=len)
        return [either]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, sub = arg
        return _sequence(list(sub)) if low >= 1 else []
    if op is sre.SUBPATTERN:
        _, add_flags, _, sub = arg
        return [] if add_flags & sre.SRE_FLAG_IGNORECASE else _sequence(list(sub))
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(arg))
    if op is sre.ASSERT:  # a look-ahead or look-behind sees the same line
        return _sequence(list(arg[1]))
    return []  # anchors, negative look-arounds, any character, back-references: nothing required


def _charset(items: list) -> list[set[str]]:
    chars: set[str] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            chars.add(chr(arg))
        elif op is sre.RANGE and arg[1] - arg[0] < MAX_RANGE:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:  # negated, a category (\w, \s, a property) or a wide range
            return []
    return [chars]
