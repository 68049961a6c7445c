"""Readable bodies: long lines cut into paragraphs of a few sentences, and a photo caption fused to
the front of the text taken off as the entry's image caption (digest/ingest/paragraphs.py).

The texts here are written for the tests, in the shapes dumps come in; the shipped seeds and the
dev set (skipped where absent) are read as they are."""
import json
import re
import shutil

import pytest

from conftest import DEVSET, ROOT, needs_devset, run_build
from digest.content import parse
from digest.ingest.dump import ingest
from digest.ingest.paragraphs import LONG, SENTENCES, TARGET, readable, split_paragraph, width
from digest.text import sentences

# Twelve sentences of a made-up wire story, about 1,900 characters on one line.
STORY = [
    "The city council voted on Tuesday to close the old river bridge to heavy trucks from next month.",
    "Engineers found cracks in two of its steel beams during an inspection in the spring.",
    "The mayor said the closure would last until the beams were replaced, probably for a year.",
    "Trucking firms warned that the detour would add forty minutes to every delivery across the river.",
    "Shop owners on the east bank said they feared losing customers during the busy holiday season.",
    "The council also approved money for a study of a second bridge further downstream.",
    "Residents packed the meeting hall, and many had to follow the debate from the corridor.",
    "Several speakers asked why the cracks had not been found during earlier inspections.",
    "A city engineer said the last full inspection had taken place six years ago.",
    "The state transport office has promised to share the cost of the repairs.",
    "Work on the new beams is due to begin in the autumn if the contract is signed in time.",
    "Until then, buses and cars may still use the bridge at reduced speed.",
]


def one_line(parts):
    return " ".join(parts)


def test_long_line_becomes_paragraphs_of_a_few_sentences():
    line = one_line(STORY)
    assert width(line) > LONG
    out = split_paragraph(line)
    assert len(out) >= 4
    assert " ".join(out) == line                        # nothing lost, nothing added
    for paragraph in out:
        assert 1 <= len(sentences(paragraph)) <= SENTENCES + 1
        assert width(paragraph) <= TARGET + 150
        assert paragraph[-1] == "."
        assert paragraph[0].isupper()


def test_paragraphs_of_normal_length_stay_as_they_are():
    body = [one_line(STORY[:3]), one_line(STORY[3:8]), STORY[8]]
    assert all(width(p) <= LONG for p in body)
    assert readable(list(body), None) == (body, None)
    # ... and a long one among them is cut while the others stay
    out, _ = readable([body[0], one_line(STORY), body[2]], None)
    assert out[0] == body[0] and out[-1] == body[2] and len(out) > 4


ABBREVIATED = [
    "Secretary of State Jane Roe met Mr. Lee in Geneva on Sept. 3 for talks on the U.S. trade deficit.",
    "The talks were the first since the U.S. Senate passed its tariff bill.",
    "Roe was joined by Sen. Adam Smith and by J. D. Carter, the deputy trade representative.",
    "They met again on Oct. 9 at the offices of Acme Corp. in the old town.",
    "Officials in the U.S. said the two sides were close to agreeing on steel quotas.",
    "Dr. Maria Gomez of the University of Geneva said the U.S. position had hardened since Aug. 2.",
    "A spokesman for Mr. Lee said the meeting had been useful.",
    "The next round is planned for Nov. 14 in Washington, after the U.S. midterm elections.",
    "Both sides said a deal before the end of the year was still possible.",
    "Markets in Asia rose slightly after the news.",
    "Traders said the U.S. dollar had gained against the yen.",
    "Further talks are expected in the new year.",
]


def test_no_split_after_abbreviations_or_initials():
    line = one_line(ABBREVIATED + STORY[:4])
    assert width(line) > LONG
    out = split_paragraph(line)
    assert len(out) >= 4 and " ".join(out) == line
    abbreviation = re.compile(r"(?:\b[A-Z]\.|Mr\.|Sen\.|Dr\.|Sept\.|Oct\.|Nov\.|Aug\.|Corp\.)$")
    for paragraph in out[:-1]:
        assert not abbreviation.search(paragraph), paragraph
        assert paragraph.endswith("."), paragraph
    assert "met Mr. Lee in Geneva on Sept. 3 for talks on the U.S. trade deficit." in sentences(line)[0]
    assert "by J. D. Carter" in next(s for s in sentences(line) if "Carter" in s)
    assert sentences(line) == ABBREVIATED + STORY[:4]


def test_no_split_after_abbreviations_in_other_languages():
    german = ["Die Regierung hat am 3. Oktober z.B. neue Regeln beschlossen, wie Dr. Müller sagte.",
              "Nach Angaben des Ministeriums sind ca. 20 Prozent der Betriebe betroffen.",
              "Die Verordnung Nr. 12 tritt bzw. gilt ab dem 1. Januar.",
              "Der Verband kritisierte die kurze Frist scharf.",
              "Viele Betriebe hätten ihre Planung für das kommende Jahr bereits abgeschlossen.",
              "Das Ministerium kündigte an, die Regeln im Frühjahr zu überprüfen.",
              "Bis dahin sollen die Betriebe Anträge auf Ausnahmen stellen können.",
              "Die Opposition forderte eine Anhörung im Parlament.",
              "Eine Entscheidung darüber wird im Dezember erwartet.",
              "Bis dahin bleibt vieles unklar.",
              "Die Gewerkschaften wollen sich in der kommenden Woche äußern.",
              "Auch die Länder haben Stellungnahmen angekündigt."]
    assert sentences(" ".join(german)) == german
    line = " ".join(german * 2)
    assert width(line) > LONG
    out = split_paragraph(line)
    assert len(out) >= 3 and " ".join(out) == line
    assert all(p.endswith(".") and not re.search(r"\b(?:\d{1,2}|Dr|Nr|ca|bzw|z\.B)\.$", p) for p in out)


QUOTED = ('The minister spoke to reporters after the vote. "We have listened to the farmers. We have listened to '
          'the shops. We have listened to everyone who wrote to us. The law will change, and it will change this '
          'year. Nobody should doubt that," she said. ')


def test_no_split_inside_a_quotation():
    line = QUOTED + one_line(STORY)
    out = split_paragraph(line)
    assert len(out) >= 3 and " ".join(out) == line
    opening = next(p for p in out if '"We have listened' in p)
    assert 'Nobody should doubt that," she said.' in opening      # the whole quotation in one paragraph
    for paragraph in out:
        assert paragraph.count('"') % 2 == 0, paragraph
    # curly quotes likewise
    curly = QUOTED.replace(' "We', " “We").replace('that,"', "that,”") + one_line(STORY)
    opening = next(p for p in split_paragraph(curly) if "“We have listened" in p)
    assert "Nobody should doubt that,” she said." in opening


def test_a_stray_quote_mark_does_not_glue_the_text_together():
    # A quotation closed with the wrong mark, as some copies print it: the rest is still cut.
    line = 'Talks were like "walking through a maze\' and arriving "back at the start,\' he said. ' + one_line(STORY)
    out = split_paragraph(line)
    assert len(out) >= 4 and " ".join(out) == line


JAPANESE = ["政府は十日、新しい交通計画を発表した。", "計画では、古い橋を来月から大型車の通行止めにする。",
            "市長は「安全が第一だ。工事は一年ほどかかる」と述べた。", "運送会社からは遠回りで配達が遅れるとの声が上がった。",
            "川の東側の商店は客が減ることを心配している。", "市議会は下流に新しい橋を造る調査の費用も認めた。",
            "住民の多くが会場に集まり、議論を廊下から聞いた。", "ひびがなぜ以前の点検で見つからなかったのかと問う声もあった。",
            "市の技術者は、前回の全面点検は六年前だったと説明した。", "県は修理費の一部を負担すると約束している。",
            "新しい鉄骨の工事は秋に始まる予定だ。", "それまでは、バスと乗用車は速度を落として橋を通れる。"]


def test_japanese_long_paragraph_is_cut_at_sentence_ends():
    line = "".join(JAPANESE * 3)
    assert width(line) > LONG
    out = split_paragraph(line)
    assert len(out) >= 4
    assert "".join(out) == line                         # no space added between sentences
    for paragraph in out:
        assert paragraph.endswith("。")
        assert paragraph.count("「") == paragraph.count("」")     # never inside 「...」
    assert sentences(JAPANESE[2] + JAPANESE[3]) == JAPANESE[2:4]
    # a Japanese paragraph of normal length stays whole
    assert split_paragraph("".join(JAPANESE[:6])) == ["".join(JAPANESE[:6])]


# --- a caption fused to the front of the body --------------------------------------------------

ARTICLE = ("The city council voted on Tuesday to close the old river bridge to heavy trucks from next month, "
           "after engineers found cracks in two of its steel beams. ") + one_line(STORY[2:6])
CAPTION_TEXT = "Trucks cross the old river bridge in the city center on Monday, July 7, 2025."


@pytest.mark.parametrize("caption", [
    CAPTION_TEXT + " (AP Photo/Jane Roe)",
    CAPTION_TEXT + " (Jane Roe/Pool Photo via AP)",
    CAPTION_TEXT + " REUTERS/Jane Roe",
    CAPTION_TEXT + " REUTERS/Jane Roe/File Photo",
    CAPTION_TEXT + " Photo: Reuters",
    CAPTION_TEXT + " (Photo by Jane Roe/Getty Images)",
    CAPTION_TEXT + " Jane Roe/AFP via Getty Images",
    CAPTION_TEXT + " (Kyodo)",
    "Mayor Ann Lee (C) and engineers inspect the cracked beams of the old river bridge on Monday.",
    "Mayor Ann Lee speaks to reporters as engineers (not pictured) inspect the old river bridge on Monday.",
    "In this photo taken on Monday, trucks cross the old river bridge in the city center.",
])
def test_fused_caption_becomes_the_image_caption(caption):
    body, found = readable([caption + " " + ARTICLE, STORY[8]], None)
    assert found == caption
    assert body[0].startswith("The city council voted on Tuesday")
    assert " ".join(body[:-1]) == ARTICLE and body[-1] == STORY[8]


def test_fused_caption_before_a_dateline():
    caption = "Trucks cross the old river bridge on Monday, July 7, 2025. (AP Photo/Jane Roe)"
    lede = "RIVERTON, Ohio (AP) — " + ARTICLE
    body, found = readable([f"{caption} {lede}"], None)
    assert found == caption and body[0].startswith("RIVERTON, Ohio (AP) — The city council")
    # ... and through the normalizer: the dateline and the agency are found once the caption is off
    dump = f"Riverton closes old bridge to heavy trucks\n\n{caption} {lede} {one_line(STORY[6:])}\n"
    article = ingest("bridge.txt", dump.encode()).articles[0]
    assert article.image_caption == caption
    assert article.body[0].startswith("RIVERTON, Ohio (AP) —")
    assert (article.dateline, article.credit) == ("RIVERTON, Ohio", "AP")
    assert all(width(p) <= LONG for p in article.body) and len(article.body) >= 3


@pytest.mark.parametrize("first", [
    "TOKYO (Kyodo) -- " + ARTICLE,                                   # a dateline's credit
    "LONDON, July 7 (Reuters) - " + ARTICLE,
    "Sen. Jane Roe (R) said on Tuesday that the bridge must be replaced, not repaired. " + ARTICLE,
    "Police released a photo of the damaged beams on Tuesday. " + ARTICLE,
    "The minister (left) and the mayor met at the bridge. The council voted.",  # too little text follows
    ARTICLE,
])
def test_no_caption_where_the_body_has_none(first):
    body, found = readable([first, STORY[8]], "an earlier caption")
    assert found == "an earlier caption"
    assert " ".join(body[:-1]) == first


def test_a_caption_already_found_is_kept_and_the_fused_one_still_leaves_the_body():
    caption = CAPTION_TEXT + " (AP Photo/Jane Roe)"
    body, found = readable([caption + " " + ARTICLE], "Headline photo: the bridge at dawn.")
    assert found == "Headline photo: the bridge at dawn."
    assert body[0].startswith("The city council voted")


# --- the shipped seeds and the dev set ---------------------------------------------------------

LONGEST = 1200


@pytest.fixture(scope="module")
def seed_entries(tmp_path_factory):
    site = tmp_path_factory.mktemp("paragraphs") / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    shutil.copytree(ROOT / "seeds", site / "seeds")
    assert run_build(site).returncode == 0
    out = {}
    for path in sorted((site / "content").glob("*.md")):
        meta, body = parse(path.read_text(encoding="utf-8"), path)
        out[meta["title"]] = (meta, [p.strip() for p in body.split("\n\n") if p.strip()])
    return out


def test_seeds_bodies_have_no_overlong_paragraph(seed_entries):
    for title, (_, paragraphs) in seed_entries.items():
        assert all(len(p) <= LONGEST for p in paragraphs), (title, max(map(len, paragraphs)))
    longest_lines = max(len(line) for f in (ROOT / "seeds").glob("*.txt")
                        for line in f.read_text(encoding="utf-8-sig").splitlines())
    assert longest_lines > 4 * LONGEST                  # the seeds do hold one-line articles


def test_seed_caption_fused_to_the_body_is_the_image_caption(seed_entries):
    meta, paragraphs = next(v for k, v in seed_entries.items() if k.startswith("Rubio says no 'drama"))
    assert meta["image_caption"] and "(not pictured)" in meta["image_caption"]
    assert paragraphs[0].startswith("U.S. Secretary of State Marco Rubio on Friday played down")
    assert meta["summary"].startswith("U.S. Secretary of State Marco Rubio on Friday played down")
    assert not any("(not pictured)" in p for p in paragraphs)


@needs_devset()
@pytest.mark.parametrize("name", ["mixed", "pages"])
def test_devset_captions_taken_are_never_body_and_paragraphs_stay_short(name):
    gold = json.loads((DEVSET / name / "gold.json").read_text())
    bodies = " ".join(re.sub(r"\W+", " ", a["body"]) for a in gold["articles"].values())
    for dump in sorted((DEVSET / name / "seeds").glob("*.txt")):
        for article in ingest(dump.name, dump.read_bytes()).articles:
            assert all(width(p) <= LONGEST for p in article.body), dump.name
            if article.image_caption:
                assert re.sub(r"\W+", " ", article.image_caption).strip() not in bodies, dump.name
