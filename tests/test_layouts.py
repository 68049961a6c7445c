"""Cutting dumps into articles, on dumps written for these tests in each known shape."""
import pytest

from digest.ingest.boilerplate import build
from digest.ingest.dump import ingest

P1 = ("Harbour officials in the northern port said on Tuesday that the new quay would open to container "
      "ships next spring, two years later than first planned.")
P2 = "The delay followed a dispute over dredging costs between the port authority and the regional council."
P3 = "A spokesperson for the council said both sides now expected to sign a final agreement within weeks."
R1 = ("Farmers in the river valley began the rice harvest early this year after an unusually warm summer, "
      "local cooperatives said, adding that yields looked close to the long-term average.")
R2 = ("The central bank kept its key rate unchanged on Thursday and signalled that it would wait for more "
      "data on wages before deciding on its next move, economists said.")

LAYOUT_A = f"""logo
Quay opening delayed by two years

Quay opening delayed by two years

Harbour Weekly3 days ago
Cranes stand idle at the northern port on Monday. (Photo by Ana Ruiz/Harbour Weekly)
By JOHN O'HARA
{P1}
{P2}
{P3}
© 2025 Harbour Weekly Media. All rights reserved.
Orange background

Try Our AI Features

Comments

No comments yet...

Related Articles

Early rice harvest in the valley
Early rice harvest in the valley

Valley Times

time5 hours ago

  • Valley Times

Early rice harvest in the valley

{R1}

Central bank holds rate steady
Central bank holds rate steady

Money Daily

timea day ago

  • Money Daily

Central bank holds rate steady

{R2} © Money Daily Ltd 2025.

DOWNLOAD THE APP

app-storeplay-store
"""

LAYOUT_B = f"""
Quay opening delayed by two years
{P1}
{P2}
{P3}
Hashtags

Try Our AI Features
Comments
No comments yet...
Related Articles


Valley Times
2 hours ago
- Valley Times
Early rice harvest in the valley
{R1}


an hour ago
Central bank holds rate steady
{R2} (Kyodo)
"""

PAGE = f"""Skip to content
Menu
Business
Quay opening delayed by two years
Updated: 14-08-2025 09:30 GMT
By Sam Lee
Share
Listen to this article
Advertisement
{P1}
Cranes stand idle at the port. Photo by Ana Ruiz/EPA
{P2}
Related
Ferry fares to rise in autumn
New bridge plan unveiled
{P3}
Sign up for our newsletter
Most read
Ferry fares to rise in autumn
"""


def test_layout_a_primary_and_related():
    r = ingest("a.txt", LAYOUT_A.encode())
    assert r.warnings == []
    primary, rice, bank = r.articles
    assert (primary.title, primary.source, primary.author, primary.credit) == (
        "Quay opening delayed by two years", "Harbour Weekly", "John O'Hara", "Harbour Weekly Media")
    assert primary.relative.text == "3 days ago"
    assert primary.image_caption.startswith("Cranes stand idle")
    assert primary.body == [P1, P2, P3]
    assert (rice.title, rice.source, rice.relative.text, rice.body) == (
        "Early rice harvest in the valley", "Valley Times", "5 hours ago", [R1])
    assert bank.body == [R2] and bank.credit == "Money Daily"     # copyright tail cut, credited


def test_layout_b_with_and_without_outlet_lines():
    r = ingest("b.txt", LAYOUT_B.encode())
    primary, rice, bank = r.articles
    assert (primary.title, primary.source, primary.relative) == ("Quay opening delayed by two years", None, None)
    assert primary.body == [P1, P2, P3]
    assert (rice.source, rice.relative.text, rice.title) == ("Valley Times", "2 hours ago",
                                                             "Early rice harvest in the valley")
    assert (bank.title, bank.relative.text) == ("Central bank holds rate steady", "an hour ago")
    # No outlet line: the outlet the text credits stands in.
    assert bank.source == "Kyodo" and bank.credit == "Kyodo"


@pytest.mark.xfail(strict=True, reason="known limit of the line-role model: a one-sentence paragraph after an "
                   "in-text list of links, three lines from the end of a tiny page, reads as a teaser")
def test_saved_publisher_page_keeps_only_running_text():
    r = ingest("page.txt", PAGE.encode())
    (page,) = r.articles
    assert page.kind == "page"
    assert page.title == "Quay opening delayed by two years"
    assert page.author == "Sam Lee"
    assert page.stamp.when.isoformat() == "2025-08-14T09:30:00+00:00" and page.stamp_is_published
    assert page.body == [P1, P2, P3]
    assert page.image_caption == "Cranes stand idle at the port. Photo by Ana Ruiz/EPA"


def test_clean_copy_of_one_article():
    r = ingest("c.txt", f"\ufeffQuay opening delayed by two years\r\n\r\n{P1}\r\n\r\n{P2}\r\n".encode())
    (a,) = r.articles
    assert (a.title, a.body) == ("Quay opening delayed by two years", [P1, P2])


def test_related_block_cut_off_mid_way_warns_with_line_and_keeps_the_rest():
    text = LAYOUT_B + "\n\nHarbour Weekly\n3 hours ago\n- Harbour Weekly\n"
    r = ingest("cut.txt", text.encode())
    assert [a.title for a in r.articles] == ["Quay opening delayed by two years", "Early rice harvest in the valley",
                                             "Central bank holds rate steady"]
    assert any(w.startswith("line ") and "cut off" in w for w in r.warnings), r.warnings


def test_truncated_related_body_is_kept():
    text = LAYOUT_B.replace(R2, R2[:70])
    r = ingest("t.txt", text.encode())
    assert r.articles[-1].body == [R2[:70] + " (Kyodo)"]


def test_dump_with_no_article_warns():
    r = ingest("menu.txt", b"Home\nNews\nSport\nWeather\n")
    assert r.articles == []
    assert any("no article found" in w for w in r.warnings)


def test_many_broken_blocks_give_a_short_summary_not_a_warning_each():
    r = ingest("stray.txt", ("\n".join(["Valley Times", "an hour ago", "- Valley Times"] * 200)).encode())
    assert len(r.warnings) <= 4
    assert any("more blocks like these" in w for w in r.warnings)


def test_a_sites_own_furniture_is_dropped_where_it_stands_and_does_not_end_the_article():
    """site.yaml's furniture lines and patterns are furniture, not the aggregator's end markers: one
    between two paragraphs of an aggregator's article goes, and the paragraphs after it stay."""
    furniture = build(["Brought to you by Harbour Bank"], [r"watch: .*"])
    primary_a = LAYOUT_A.replace(f"{P1}\n", f"{P1}\nBrought to you by Harbour Bank\n", 1)
    primary_b = LAYOUT_B.replace(f"{P2}\n", f"{P2}\n  WATCH: the harbour master explains the delay\n", 1)
    related = LAYOUT_B.replace(f"{R2} (Kyodo)", f"{R2}\nBrought to you by Harbour Bank\n{P3} (Kyodo)")
    for name, text in (("a.txt", primary_a), ("b.txt", primary_b)):
        primary = ingest(name, text.encode(), furniture).articles[0]
        assert primary.body == [P1, P2, P3], name
    bank = ingest("r.txt", related.encode(), furniture).articles[-1]
    assert bank.body == [R2, f"{P3} (Kyodo)"]
    # The aggregator's own end markers still end the article: nothing after "Related Articles" is its text.
    assert ingest("a.txt", primary_a.encode(), furniture).articles[0].body[-1] == P3
