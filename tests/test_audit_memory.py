"""An audit's memory is bounded by its largest document, not by how many documents the folder holds."""
from __future__ import annotations

import gc
from pathlib import Path

from click.testing import Result

from .inputtree import AGENCY, invoke
from .test_bad_input import traced

ALLOWED = ("Officials opened the new bridge on Monday.\n"
           "This article is licensed under a Creative Commons Attribution 4.0 International License.\n")
# What memory may keep per document: its index entry (path, verdict, sources, place in the spool), the walk's
# path and, for an allowed one, its credit lines. Holding every document and its rendered reports, as audits
# did before the spool, costs some 17-20 KB per document here.
BYTES_PER_DOCUMENT = 2048


def folder(root: Path, files: int) -> Path:
    """``files`` articles, a deny, a review and an allow by turns, each with its own words."""
    for i in range(files):
        text = [AGENCY, f"Market report {i}: prices held.\n", ALLOWED][i % 3]
        (root / f"{i // 100:02d}").mkdir(parents=True, exist_ok=True)
        (root / f"{i // 100:02d}" / f"article-{i:05d}.txt").write_text(f"Headline {i}\n\n{text}", encoding="utf-8")
    return root


def audit(tmp_path: Path, files: int) -> Result:
    content = folder(tmp_path / f"content-{files}", files)
    result = invoke("audit", "-j", "1", "--no-cache", content, "-o", tmp_path / f"out-{files}")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{files} documents: ")
    return result


def peak(tmp_path: Path, files: int) -> int:
    """The peak memory of an audit, with the cycle collector off: whenever it would run, garbage from the
    rules and templates each audit compiles would move the peak by more than the documents do."""
    gc.collect()
    gc.disable()
    try:
        return traced(audit, tmp_path, files)[1]
    finally:
        gc.enable()


def test_peak_memory_grows_only_by_a_small_index_entry_per_document(tmp_path):
    small, large = 8, 32
    audit(tmp_path, 3)  # imports and caches what any audit needs, outside the measure
    # The smaller of two rounds: a one-off allocation (a pattern compiled on first use, a cache growing
    # its table) may land in either audit once, never in both rounds.
    growth = min(peak(tmp_path / str(n), large) - peak(tmp_path / str(n), small) for n in range(2))
    assert growth / (large - small) < BYTES_PER_DOCUMENT, f"{growth / (large - small):.0f} bytes per document"
