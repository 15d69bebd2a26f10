from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance import Checker

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CONTENT = EXAMPLES / "content"

# An agency page in the shape of a scraped wire item: article, closing tag, legal warning, teasers.
AGENCY_PAGE = """Ministers agree on a shared river plan

Water ministers agreed on Tuesday to build thirty measuring stations along shared rivers.
The first stations should be running before the spring floods, the host minister said. (ILKHA)
LEGAL WARNING: All rights of the published news, photos and videos are reserved by İlke Haber Ajansı Basın Yayın San. Trade A.Ş. Under no circumstances can all or part of the news, photos and videos be used without a written contract or subscription.
A new ferry line opened on Monday between two coastal towns.
The Permanent Court of Arbitration (PCA) will hold hearings next month.
"""


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True, scope="session")
def _cache_in_tmp(tmp_path_factory):
    """Tests never write to the user's cache folder."""
    mp = pytest.MonkeyPatch()
    mp.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()
