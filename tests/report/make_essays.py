"""Writes the batch the report test checks: 甲 and 乙 (a Word file) share two passages, 丙
quotes one of them, 丁 is its own and has markup in its text and name."""

import sys
import zipfile
from pathlib import Path

SHARED = [
    "我们要把学习成果转化为推动工作的强大动力，切实做到学思用贯通、知信行统一，在本职岗位上建功立业。",
    "支部通过“三会一课”组织专题学习，党员干部逐章逐节研读原文，结合分管工作谈认识、找差距、明方向。",
]


def docx(path: Path, paragraphs: list[str]) -> None:
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", xml)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True)
    (out / "甲.md").write_text(
        "学习会后的几点体会\n\n"
        f"这次学习让我受益匪浅。{SHARED[0]}\n\n"
        f"回顾一年来的工作，{SHARED[1]}\n\n"
        "甲的结尾写的是本科室明年的具体安排，谁也没有抄。\n",
        encoding="utf-8",
    )
    docx(
        out / "乙.docx",
        ["乙的开头完全不同，谈的是支部的读书班。", SHARED[1], "中间一段是乙自己的想法。", SHARED[0]],
    )
    (out / "丙.txt").write_text(
        f"丙在发言中引用了同事的话：“{SHARED[0]}”这句话说得很好，我也有同感。\n",
        encoding="utf-8",
    )
    (out / "丁<b>.txt").write_text(
        "丁写的是自己在社区网格员岗位上的经历。<script>document.title='pwned'</script>"
        "每一句都是亲身所见，<img src=x onerror=alert(1)>没有照搬别人的文字。\n",
        encoding="utf-8",
    )


main()
