"""Encodings: what a newsroom's files come in, detected, reported, and refused when unsure."""
from __future__ import annotations

import codecs
import itertools
import json

import pytest

from compliance import load_config
from compliance.cli import main
from compliance.load.encoding import decode

from .conftest import ROOT

TURKISH = ("DİYARBAKIR (İLKHA) - Şehrin tarihî çarşısında düzenlenen törene katılan öğrenciler, "
           "ılık bir sabahta yürüyüş yaptı. İl müdürü, projenin gelecek ay başlayacağını açıkladı.\n")
ARABIC = ("قال مسؤولون في المدينة يوم الاثنين إن أعمال الصيانة في الجسر القديم ستنتهي قبل نهاية "
          "الشهر المقبل، وإن حركة المرور ستعود إلى طبيعتها. (أ ف ب)\n")
FRENCH = ("PARIS (AFP) - Le maire a présenté mercredi un « plan d’été » pour les rivières de la région, "
          "a-t-il déclaré à la presse. Les élèves étaient très nombreux.\n")


@pytest.mark.parametrize(("text", "encoding", "reported", "source"), [
    (TURKISH, "windows-1254", "windows-1254", "ilkha"),
    (ARABIC, "windows-1256", "windows-1256", "afp"),
    (FRENCH, "windows-1252", "windows-1252", "afp"),
    # ISO-8859-9 and windows-1254 encode Turkish letters with the same bytes; WHATWG treats the
    # label as windows-1254, and so does the report unless the file declares its charset.
    (TURKISH, "iso-8859-9", "windows-1254", "ilkha"),
    (TURKISH, "utf-8", "utf-8", "ilkha"),
    (TURKISH, "utf-8-sig", "utf-8-sig", "ilkha"),
    (TURKISH, "utf-16", "utf-16le", "ilkha"),  # with a byte-order mark
    (ARABIC, "utf-16-le", "utf-16le", "afp"),  # without one
    (TURKISH, "utf-16-be", "utf-16be", "ilkha"),
])
def test_encoding_round_trips_and_is_reported(checker, tmp_path, text, encoding, reported, source):
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode(encoding))
    result = checker.check_path(path)
    assert result.error is None
    assert result.encoding == reported
    assert [s.id for s in result.sources] == [source]
    tag = next(f for f in result.findings if f.kind == "source_tag")
    assert tag.text in text and text.splitlines()[tag.line - 1][tag.column - 1:].startswith(tag.text)


# Short newsroom lines, alone, in pairs and together: short texts are where detectors go wrong.
SENTENCES = {
    ("windows-1254", "iso-8859-9"): [
        "İZMİR (AA) - Liman çalışmalarının yaz başından önce biteceği açıklandı.",
        "Tüm hakları saklıdır.",
        "Belediye başkanı, köprünün mayıs ayında yeniden açılacağını söyledi.",
        "Öğrenciler ılık bir sabahta çarşıda yürüdü; şehrin tarihî dokusu ilgi gördü.",
        "Ağustos ayında düzenlenecek festivale yüzlerce kişinin katılması bekleniyor.",
        "Haberin tamamı ya da bir kısmı, yazılı sözleşme olmaksızın kullanılamaz.",
    ],
    ("windows-1256",): [
        "قال مسؤولون في المدينة يوم الاثنين إن أعمال الصيانة في الجسر القديم ستنتهي قريبا.",
        "جميع الحقوق محفوظة.",
        "وأضاف المتحدث أن حركة المرور ستعود إلى طبيعتها الشهر المقبل. (أ ف ب)",
    ],
    ("windows-1252",): [
        "PARIS (AFP) - Le maire a présenté mercredi un « plan d’été » pour les rivières.",
        "BERLIN (dpa) - Die Bürger diskutierten am Dienstag über den neuen Fußweg am Fluss.",
        "Todos los derechos reservados. Prohibida su reproducción.",
        "LISBOA (Lusa) - O Governo aprovou hoje a reforma das ligações ferroviárias.",
        "The council said the bridge would reopen in May — two weeks late. © 2025 Example Media.",
    ],
}


@pytest.mark.parametrize(("encodings", "sentences"), list(SENTENCES.items()))
def test_short_newsroom_texts_round_trip(encodings, sentences):
    texts = [*sentences, *map(" ".join, itertools.combinations(sentences, 2)), "\n".join(sentences)]
    for encoding in encodings:
        for text in texts:
            assert decode(text.encode(encoding), "x")[0] == text, (encoding, text)


def test_detected_encoding_is_in_the_json_report(runner, tmp_path):
    (tmp_path / "tr.txt").write_bytes(TURKISH.encode("windows-1254"))
    result = runner.invoke(main, ["check", "--format", "json", str(tmp_path / "tr.txt")])
    doc = json.loads(result.output)["documents"][0]
    assert doc["encoding"] == "windows-1254"
    assert doc["verdict"] == "deny"


@pytest.mark.parametrize(("data", "why"), [
    (b"Ann\xfd", "ambiguous"),  # Anný or Annı: nothing in the bytes tells
    (bytes(range(0x80, 0x100)) * 3, "not plausibly"),  # no legacy encoding reads as words
    (b"\xc0\xc1\xc2 \xe0\xe1", "mix scripts"),  # only windows-1256 is left, and it mixes scripts in a word
    ("Yetkililer açıkladı. ".encode() * 3 + b"\xfd", "mostly UTF-8"),
])
def test_unsure_detection_is_refused_never_guessed(runner, tmp_path, data, why):
    path = tmp_path / "odd.txt"
    path.write_bytes(data)
    result = runner.invoke(main, ["check", "--format", "json", str(path)])
    assert result.exit_code == 3
    doc = json.loads(result.output)["documents"][0]
    assert doc["verdict"] == "review"
    assert doc["path"] == str(path)
    assert "cannot decode" in doc["error"] and why in doc["error"]


def test_configured_encodings_narrow_detection(runner, tmp_path):
    """A newsroom whose legacy files are all Turkish names that one encoding; the ambiguity goes away."""
    (tmp_path / "odd.txt").write_bytes(b"Ann\xfd")
    cfg = tmp_path / "compliance.yaml"
    cfg.write_text("inputs:\n  encodings: [windows-1254]\n")
    result = runner.invoke(main, ["check", "--config", str(cfg), "--format", "json", str(tmp_path / "odd.txt")])
    assert json.loads(result.output)["documents"][0]["encoding"] == "windows-1254"


def test_unknown_configured_encoding_names_config_line(runner, tmp_path):
    cfg = tmp_path / "compliance.yaml"
    cfg.write_text("inputs:\n  encodings:\n    - windows-9999\n")
    result = runner.invoke(main, ["check", "--config", str(cfg), str(tmp_path)])
    assert result.exit_code == 2
    assert f"{cfg}:3:" in result.output and "windows-9999" in result.output


def test_bom_is_not_part_of_the_text(checker, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "ANKARA (AA) - Officials met.".encode())
    tag = next(f for f in checker.check_path(path).findings if f.kind == "source_tag")
    assert (tag.line, tag.column) == (1, 9)


def test_readme_inputs_settings_are_the_defaults(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Input formats\n"):]
    block = section[section.index("```yaml\n") + 8:section.index("```", section.index("```yaml\n") + 8)]
    (tmp_path / "compliance.yaml").write_text(block)
    settings = load_config(tmp_path / "compliance.yaml").inputs
    assert settings == type(settings)()
