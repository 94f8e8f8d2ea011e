"""Checks the DOM Chromium built from the batch report (`--dump-dom`): the ranked rows, the
pair rows, the highlighted passages and that every link in the report leads to an element of
it; nothing from the essays became markup."""

import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.rows: dict[str, list[dict]] = {}
        self.marks: list[dict] = []
        self.tags: dict[str, int] = {}
        self.row: dict | None = None
        self.title = ""
        self.in_title = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
        if tag == "a" and "hl" in a.get("class", "").split():
            self.marks.append(a)
        if tag == "tr" and a.get("class"):
            self.row = {"class": a["class"], "cells": []}
            self.rows.setdefault(a["class"], []).append(self.row)
        if tag == "title":
            self.in_title = True

    def handle_endtag(self, tag):
        if tag == "tr":
            self.row = None
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        self.text.append(data)
        if self.row is not None:
            self.row["cells"].append(data)


def main() -> None:
    dom = Dom()
    dom.feed(open(sys.argv[1], encoding="utf-8").read())
    text = "".join(dom.text)
    problems = []

    def expect(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    essays = dom.rows.get("essay-row", [])
    expect(len(essays) == 4, f"4 ranked essay rows, got {len(essays)}")
    if essays:
        first = "".join(essays[0]["cells"])
        last = "".join(essays[-1]["cells"])
        expect("甲.md" in first or "乙.docx" in first, f"a copier ranks first: {first}")
        expect("丁<b>.txt" in last and "0.0%" in last, f"the original essay ranks last: {last}")
    # 甲–乙 share two passages; 丙 quoted one of them, so it shares text with both.
    pairs = dom.rows.get("pair-row", [])
    expect(len(pairs) == 3, f"three pair rows, got {len(pairs)}")
    if pairs:
        cells = "".join(pairs[0]["cells"])
        expect("甲.md" in cells and "乙.docx" in cells, f"甲 and 乙 share the most: {cells}")
        expect(not any("丁" in "".join(p["cells"]) for p in pairs), "丁 shares nothing")
    pair_marks = [m for m in dom.marks if m.get("id", "").startswith("pair-0-")]
    expect(len(pair_marks) >= 4, f"both shared passages marked on both sides: {len(pair_marks)}")
    for m in pair_marks:
        partner = m["href"][1:]
        expect(partner in dom.ids, f"{m['id']} links to {partner}, which exists")
        side = m["id"].split("-")[2]
        expect(partner.split("-")[2] != side, f"{m['id']} links across to the other side")
        colour = [c for c in m["class"].split() if c.startswith("c")]
        expect(colour != [], f"{m['id']} has a colour")
    essay_marks = [m for m in dom.marks if m.get("id", "").startswith("essay-")]
    expect(any("quoted" in m["class"] for m in essay_marks), "丙's quotation is marked as one")
    broken = sorted({l for l in dom.links if l not in dom.ids})
    expect(not broken, f"links lead nowhere: {broken[:5]}")
    expect(dom.tags.get("script", 0) == 0, "no script element")
    expect(dom.tags.get("img", 0) == 0, "no img element from an essay")
    expect(dom.title == "批量查重报告", f"title untouched: {dom.title!r}")
    expect("<script>document.title='pwned'</script>" in text, "the essay's markup shows as text")

    if problems:
        sys.exit("tests/report: DOM: " + "; ".join(problems))
    print(f"tests/report: DOM ok ({len(essays)} essays, {len(dom.marks)} marks, {len(dom.links)} links)")


main()
