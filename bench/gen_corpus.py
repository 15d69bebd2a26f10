"""Generate a seeded synthetic news corpus for benchmarks.

Articles of 2-8 KB in several languages and scripts, with agency tags in
datelines, closing tags and credit lines, rights notices, and negatives
(abbreviations in parentheses, mentions, "human rights"). The text is made
from word lists, so it has the shape of news copy without being anyone's copy.

    python bench/gen_corpus.py --out bench/corpus --files 5000 --seed 7
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

WORDS = {
    "en": "government minister officials said on monday the plan would include new measures for farmers "
          "and workers in the region after talks with neighbouring countries about water trade prices "
          "budget council police court hospital school election river port market weather".split(),
    "tr": "bakan yetkililer pazartesi günü yaptığı açıklamada planın çiftçiler ve işçiler için yeni "
          "önlemler içereceğini söyledi bölgede komşu ülkelerle su ticaret fiyat bütçe meclis "
          "polis mahkeme hastane okul seçim nehir liman pazar hava".split(),
    "ar": "قال الوزير إن الحكومة ستعلن خطة جديدة للمزارعين والعمال في المنطقة بعد محادثات مع الدول "
          "المجاورة حول المياه والتجارة والأسعار والميزانية والمجلس والشرطة والمحكمة".split(),
    "fa": "وزیر گفت دولت طرح جدیدی برای کشاورزان و کارگران در منطقه پس از گفتگو با کشورهای همسایه "
          "درباره آب و تجارت و قیمت و بودجه و مجلس و پلیس و دادگاه اعلام خواهد کرد".split(),
    "es": "el ministro dijo el lunes que el gobierno anunciará un nuevo plan para agricultores y "
          "trabajadores de la región tras conversaciones con países vecinos sobre agua comercio".split(),
    "de": "der Minister sagte am Montag die Regierung werde einen neuen Plan für Landwirte und "
          "Arbeiter in der Region nach Gesprächen mit Nachbarländern über Wasser Handel vorlegen".split(),
    "ru": "министр заявил в понедельник что правительство объявит новый план для фермеров и рабочих "
          "в регионе после переговоров с соседними странами о воде торговле ценах бюджете".split(),
}
PLACES = {"en": "WASHINGTON", "tr": "ANKARA", "ar": "القاهرة", "fa": "تهران", "es": "Madrid", "de": "Berlin",
          "ru": "MOSCOW"}
TAGS = {"en": ["AP", "Reuters", "AFP", "VOA", "Xinhua", "Bernama"], "tr": ["AA", "İHA", "DHA", "ILKHA"],
        "ar": ["أ ف ب", "رويترز", "واس"], "fa": ["ایرنا"], "es": ["EFE"], "de": ["dpa"], "ru": ["TASS"]}
NOTICES = {
    "en": ["Copyright 2025 The Associated Press. All rights reserved. This material may not be published, "
           "broadcast, rewritten or redistributed.",
           "This article is licensed under a Creative Commons Attribution 4.0 International License."],
    "tr": ["HUKUKİ UYARI: Yayımlanan haber ve fotoğrafların tüm hakları İlke Haber Ajansı'na aittir. "
           "Hiçbir şekilde yazılı sözleşme veya abonelik olmaksızın haberlerin tamamı veya bir kısmı kullanılamaz.",
           "© 2025 Örnek Medya. Tüm hakları saklıdır."],
    "es": ["© 2025 Agencia EFE. Todos los derechos reservados."],
}
NEGATIVES = ["The International Court of Justice (ICJ) will rule next week.",
             "Activists for human rights and animal rights marched on Saturday.",
             "Prices rose sharply, according to Reuters.",
             "The North Atlantic Treaty Organization (NATO) met on Friday."]


def sentence(rng: random.Random, lang: str) -> str:
    words = rng.choices(WORDS[lang], k=rng.randint(8, 22))
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng: random.Random, lang: str) -> str:
    return " ".join(sentence(rng, lang) for _ in range(rng.randint(2, 5)))


def article(rng: random.Random) -> tuple[str, str]:
    lang = rng.choice(list(WORDS))
    target = rng.randint(2048, 8192)
    tag = rng.choice(TAGS[lang]) if rng.random() < 0.7 else None
    parts = [sentence(rng, lang).rstrip("."), ""]
    lead = paragraph(rng, lang)
    if tag and rng.random() < 0.5:
        lead = f"{PLACES[lang]} ({tag}) - {lead}"
    parts.append(lead)
    while sum(len(p.encode()) for p in parts) < target - 400:
        parts.append(paragraph(rng, lang) if rng.random() > 0.1 else rng.choice(NEGATIVES))
    if tag and not parts[2].startswith(PLACES[lang]):
        parts[-1] += f" ({tag})"
    if lang in NOTICES and rng.random() < 0.5:
        parts.append(rng.choice(NOTICES[lang]))
    if rng.random() < 0.2:
        parts.append("Photo: " + rng.choice(["AFP", "Reuters", "AA", "our staff"]))
    return lang, "\n".join(parts) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("bench/corpus"))
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jsonl-shards", type=int, default=0, help="also write the corpus as N JSON Lines shards")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    docs = []
    for i in range(args.files):
        lang, text = article(rng)
        path = args.out / lang / f"{i:06d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        total += len(text.encode())
        docs.append({"id": f"{lang}/{i:06d}", "body": text})
    for n in range(args.jsonl_shards):
        shard = args.out.parent / f"{args.out.name}-jsonl" / f"shard-{n:03d}.jsonl"
        shard.parent.mkdir(parents=True, exist_ok=True)
        shard.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs[n::args.jsonl_shards]))
    print(f"wrote {args.files} files, {total / 1e6:.1f} MB to {args.out}")


if __name__ == "__main__":
    main()
