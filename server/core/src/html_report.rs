//! The batch report as one self-contained HTML file (no scripts, fonts or anything fetched):
//! the ranked table of essays, the pairs of essays that share text, each pair side by side with
//! the shared passages in matching colours and linked to each other (the way copydetect's
//! report does), and each essay beside its copied passages and their sources.
//!
//! Links are plain anchors, so the report works with scripts off and in any mail client's
//! viewer; the layout stacks the two sides on a phone's narrow screen. Everything that comes
//! from the essays (texts, names) is escaped.

use std::fmt::Write;
use std::ops::Range;

use crate::batch::{ratio, BatchReport, Source};

/// Pairs shown side by side, most shared first; the rest are listed in the table only (a
/// class of 200 gives thousands of pairs, and a report of hundreds of MB helps nobody).
pub const MAX_PAIR_VIEWS: usize = 200;

/// Highlight colours; passage `n` gets colour `n % COLOURS`.
const COLOURS: usize = 8;

const STYLE: &str = "
:root{--fg:#1d1d1f;--muted:#666;--line:#ddd;--bg:#fff}
*{box-sizing:border-box}
body{margin:0;padding:0 12px 40px;font:16px/1.7 system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto}
h1{font-size:1.5em;margin:.8em 0 .2em}h2{font-size:1.2em;margin:1.6em 0 .4em;border-bottom:1px solid var(--line)}
h3{font-size:1.05em;margin:.2em 0}
.note{color:var(--muted);font-size:.9em}
table{border-collapse:collapse;width:100%;font-size:.95em}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
.scroll{overflow-x:auto}
.sides{display:flex;gap:16px;align-items:flex-start}
.side{flex:1 1 0;min-width:0}
.text{white-space:pre-wrap;word-break:break-all;border:1px solid var(--line);border-radius:6px;padding:10px;max-height:80vh;overflow-y:auto}
a.hl{color:inherit;text-decoration:none;border-radius:3px;padding:1px 0}
a.hl:target{outline:3px solid #d00}
.c0{background:#ffd6d6}.c1{background:#d6ecff}.c2{background:#d9f7d0}.c3{background:#fff1b8}
.c4{background:#ead6ff}.c5{background:#ffe0c2}.c6{background:#ccf5f0}.c7{background:#f0d9e8}
.quoted{background:#eee;border-bottom:2px dotted #999}
ol.passages{padding-left:1.4em}ol.passages li{margin:.6em 0}
.src{color:var(--muted);font-size:.9em}
blockquote{margin:.3em 0;padding:4px 10px;border-left:4px solid var(--line)}
@media (max-width:720px){.sides{flex-direction:column}.text{max-height:none}body{font-size:15px}}
";

/// The folder all essays' names start with (`dir/`), left out where names are shown so that
/// they fit a phone's screen; empty when there is none.
fn common_folder(report: &BatchReport) -> String {
    let mut names = report.essays.iter().map(|e| e.name.as_str());
    let Some(first) = names.next() else {
        return String::new();
    };
    let mut prefix = match first.rfind('/') {
        Some(at) => &first[..=at],
        None => return String::new(),
    };
    for name in names {
        while !name.starts_with(prefix) {
            match prefix[..prefix.len() - 1].rfind('/') {
                Some(at) => prefix = &prefix[..=at],
                None => return String::new(),
            }
        }
    }
    prefix.to_owned()
}

/// The whole report.
pub fn render(report: &BatchReport) -> String {
    let folder = common_folder(report);
    let mut shown = report.clone();
    for essay in &mut shown.essays {
        essay.name = essay.name[folder.len()..].to_owned();
    }
    let report = &shown;
    let mut out = String::with_capacity(
        report
            .essays
            .iter()
            .map(|e| e.text.len() * 3)
            .sum::<usize>()
            + 16 * 1024,
    );
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>批量查重报告</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<main>\n<h1>批量查重报告</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">{}共 {} 篇；{}。复制比 = 与来源重复的字数（引号内的引用不计）÷ 全文字数（字母、数字逐个计，标点空白不计）。</p>",
        if folder.is_empty() {
            String::new()
        } else {
            format!("文件夹 {}，", escape(&folder))
        },
        report.essays.len(),
        if report.cross {
            "每篇与语料及其他各篇比对，不与自身比对"
        } else {
            "每篇与语料比对"
        }
    );
    ranking(&mut out, report);
    if report.cross {
        pairs(&mut out, report);
    }
    for (k, pair) in report.pairs.iter().enumerate().take(MAX_PAIR_VIEWS) {
        pair_view(&mut out, report, k, pair.a, pair.b);
    }
    for &i in &report.ranking {
        essay_view(&mut out, report, i);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// The ranked table of essays.
fn ranking(out: &mut String, report: &BatchReport) {
    out.push_str("<h2 id=\"ranking\">复制比排名</h2>\n<div class=\"scroll\"><table>\n");
    out.push_str("<thead><tr><th class=\"num\">名次</th><th>文稿</th><th class=\"num\">复制比</th><th class=\"num\">引用比</th><th>主要来源</th></tr></thead>\n<tbody>\n");
    for (rank, &i) in report.ranking.iter().enumerate() {
        let r = &report.results[i];
        let _ = write!(
            out,
            "<tr class=\"essay-row\" data-essay=\"{i}\"><td class=\"num\">{}</td><td><a href=\"#essay-{i}\">{}</a></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>",
            rank + 1,
            escape(&report.essays[i].name),
            percent(r.copy_ratio()),
            percent(r.quote_ratio()),
        );
        let shown: Vec<String> = r
            .sources
            .iter()
            .take(3)
            .map(|&(s, n)| {
                let name = escape(&report.source_name(s));
                let share = percent(ratio(n, r.total_chars));
                match s {
                    Source::Essay(other) => match pair_index(report, i, other) {
                        Some(k) => format!("<a href=\"#pair-{k}\">{name}</a> {share}"),
                        None => format!("{name} {share}"),
                    },
                    Source::Corpus(_) => format!("{name} {share}"),
                }
            })
            .collect();
        out.push_str(&if shown.is_empty() {
            "—".to_owned()
        } else {
            shown.join("；")
        });
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// The side-by-side view of essays `x` and `y`, when the report has one.
fn pair_index(report: &BatchReport, x: usize, y: usize) -> Option<usize> {
    let (a, b) = (x.min(y), x.max(y));
    report
        .pairs
        .iter()
        .take(MAX_PAIR_VIEWS)
        .position(|p| p.a == a && p.b == b)
}

/// The table of pairs.
fn pairs(out: &mut String, report: &BatchReport) {
    out.push_str("<h2 id=\"pairs\">相互重复的文稿</h2>\n");
    if report.pairs.is_empty() {
        out.push_str("<p>各篇之间未发现重复段落。</p>\n");
        return;
    }
    if report.pairs.len() > MAX_PAIR_VIEWS {
        let _ = writeln!(
            out,
            "<p class=\"note\">共 {} 对；对照视图只给出重复最多的前 {MAX_PAIR_VIEWS} 对，其余的文稿链接到各篇的详情。</p>",
            report.pairs.len()
        );
    }
    out.push_str("<div class=\"scroll\"><table>\n<thead><tr><th class=\"num\">名次</th><th>文稿甲</th><th>文稿乙</th><th class=\"num\">共有字数</th><th class=\"num\">占甲</th><th class=\"num\">占乙</th></tr></thead>\n<tbody>\n");
    for (k, p) in report.pairs.iter().enumerate() {
        let (link_a, link_b) = if k < MAX_PAIR_VIEWS {
            (format!("#pair-{k}"), format!("#pair-{k}"))
        } else {
            (format!("#essay-{}", p.a), format!("#essay-{}", p.b))
        };
        let _ = writeln!(
            out,
            "<tr class=\"pair-row\"><td class=\"num\">{}</td><td><a href=\"{link_a}\">{}</a></td><td><a href=\"{link_b}\">{}</a></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            k + 1,
            escape(&report.essays[p.a].name),
            escape(&report.essays[p.b].name),
            p.shared(),
            percent(ratio(p.chars_in_a, report.results[p.a].total_chars)),
            percent(ratio(p.chars_in_b, report.results[p.b].total_chars)),
        );
    }
    out.push_str("</tbody></table></div>\n");
}

/// A highlighted span of a text: its char range, anchor id, link target and colour class.
struct Mark {
    range: Range<usize>,
    id: String,
    href: String,
    class: String,
    title: String,
}

/// Two essays side by side, each shared passage in one colour on both sides, each linked to
/// the other.
fn pair_view(out: &mut String, report: &BatchReport, k: usize, a: usize, b: usize) {
    let matches = &report.pairs[k].passages;
    let side = |left: bool| -> Vec<Mark> {
        matches
            .iter()
            .enumerate()
            .map(|(j, (ra, rb))| {
                let (mine, theirs) = if left { ("a", "b") } else { ("b", "a") };
                Mark {
                    range: if left { ra.clone() } else { rb.clone() },
                    id: format!("pair-{k}-{mine}-{j}"),
                    href: format!("#pair-{k}-{theirs}-{j}"),
                    class: format!("hl c{}", j % COLOURS),
                    title: format!("第 {} 处共有段落，点击跳到对方", j + 1),
                }
            })
            .collect()
    };
    let p = &report.pairs[k];
    let _ = writeln!(
        out,
        "<section class=\"pair\" id=\"pair-{k}\">\n<h2>对照 {}：{} ↔ {}</h2>\n<p class=\"note\">共有 {} 字，{} 处；同色段落相同，点击跳到另一篇中的位置。<a href=\"#pairs\">返回列表</a></p>\n<div class=\"sides\">",
        k + 1,
        escape(&report.essays[a].name),
        escape(&report.essays[b].name),
        p.shared(),
        matches.len(),
    );
    for (essay, left) in [(a, true), (b, false)] {
        let _ = write!(
            out,
            "<div class=\"side\"><h3><a href=\"#essay-{essay}\">{}</a></h3><div class=\"text\">",
            escape(&report.essays[essay].name)
        );
        out.push_str(&highlight(&report.essays[essay].text, side(left)));
        out.push_str("</div></div>\n");
    }
    out.push_str("</div>\n</section>\n");
}

/// One essay beside the list of its copied and quoted passages with their sources.
fn essay_view(out: &mut String, report: &BatchReport, i: usize) {
    let essay = &report.essays[i];
    let r = &report.results[i];
    let _ = writeln!(
        out,
        "<section class=\"essay\" id=\"essay-{i}\">\n<h2>{}</h2>\n<p class=\"note\">复制比 {}，引用比 {}；计数 {} 字，其中重复 {} 字、引用 {} 字。<a href=\"#ranking\">返回排名</a></p>\n<div class=\"sides\">",
        escape(&essay.name),
        percent(r.copy_ratio()),
        percent(r.quote_ratio()),
        r.total_chars,
        r.copied_chars,
        r.quoted_chars,
    );
    // One colour per source, in the order of the sources list (quoted passages: grey).
    let colour = |s: Source| {
        r.sources
            .iter()
            .position(|(x, _)| *x == s)
            .unwrap_or(r.sources.len())
            % COLOURS
    };
    let marks: Vec<Mark> = r
        .passages
        .iter()
        .enumerate()
        .map(|(j, p)| Mark {
            range: p.range.clone(),
            id: format!("essay-{i}-t-{j}"),
            href: format!("#essay-{i}-p-{j}"),
            class: if p.quoted {
                "hl quoted".to_owned()
            } else {
                format!("hl c{}", colour(p.source))
            },
            title: format!("来源：{}", report.source_name(p.source)),
        })
        .collect();
    out.push_str("<div class=\"side\"><div class=\"text\">");
    out.push_str(&highlight(&essay.text, marks));
    out.push_str("</div></div>\n<div class=\"side\">");
    if r.passages.is_empty() {
        out.push_str("<p>未发现与来源重复的段落。</p>");
    } else {
        out.push_str("<ol class=\"passages\">\n");
        for (j, p) in r.passages.iter().enumerate() {
            let chars: String = crate::batch::char_slice(&essay.text, p.range.clone());
            let source = match p.source {
                Source::Essay(other) => {
                    let link = pair_index(report, i, other)
                        .map(|k| format!("#pair-{k}"))
                        .unwrap_or_else(|| format!("#essay-{other}"));
                    format!(
                        "<a href=\"{link}\">{}</a>",
                        escape(&report.source_name(p.source))
                    )
                }
                Source::Corpus(id) => format!(
                    "{}<span class=\"src\">（{}）</span>",
                    escape(&report.source_name(p.source)),
                    escape(&report.corpus[id].origin)
                ),
            };
            let class = if p.quoted {
                "quoted".to_owned()
            } else {
                format!("c{}", colour(p.source))
            };
            let _ = writeln!(
                out,
                "<li id=\"essay-{i}-p-{j}\"><a class=\"hl {class}\" href=\"#essay-{i}-t-{j}\">{}</a><div class=\"src\">{} {} 字，来源：{source}</div><blockquote>{}</blockquote></li>",
                escape(&chars),
                if p.quoted { "引用" } else { "重复" },
                p.chars,
                escape(&p.source_text),
            );
        }
        out.push_str("</ol>");
    }
    out.push_str("</div>\n</div>\n</section>\n");
}

/// `text`, escaped, with `marks` (char ranges) wrapped in links. Marks that overlap one
/// already placed are dropped (their partner still links to the one placed there).
fn highlight(text: &str, mut marks: Vec<Mark>) -> String {
    marks.sort_by_key(|m| (m.range.start, m.range.end));
    let mut placed: Vec<Mark> = Vec::with_capacity(marks.len());
    for m in marks {
        if m.range.is_empty() || placed.last().is_some_and(|p| p.range.end > m.range.start) {
            continue;
        }
        placed.push(m);
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut next = placed.iter().peekable();
    let mut open: Option<&Mark> = None;
    for (n, c) in text.chars().enumerate() {
        if open.is_some_and(|m| m.range.end == n) {
            out.push_str("</a>");
            open = None;
        }
        if open.is_none() {
            if let Some(m) = next.next_if(|m| m.range.start == n) {
                let _ = write!(
                    out,
                    "<a class=\"{}\" id=\"{}\" href=\"{}\" title=\"{}\">",
                    m.class,
                    m.id,
                    m.href,
                    escape(&m.title)
                );
                open = Some(m);
            }
        }
        push_escaped(&mut out, c);
    }
    if open.is_some() {
        out.push_str("</a>");
    }
    out
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        // Control characters other than tab and line ends are not valid in HTML text.
        c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::tests::submission;
    use crate::batch::{BatchReport, EssayResult, Passage};

    #[test]
    fn essays_are_escaped_and_shared_passages_linked_both_ways() {
        let a = "<script>alert(1)</script>共同的段落𠀀在此";
        let b = "前言。共同的段落𠀀在此";
        let shared_a = 25..32;
        let shared_b = 3..10;
        assert_eq!(
            crate::batch::char_slice(a, shared_a.clone()),
            "共同的段落𠀀在"
        );
        assert_eq!(
            crate::batch::char_slice(b, shared_b.clone()),
            "共同的段落𠀀在"
        );
        let passage = |range: Range<usize>, source_range: Range<usize>, source| Passage {
            range,
            source: Source::Essay(source),
            source_range,
            source_text: "共同的段落𠀀在".to_owned(),
            chars: 7,
            quoted: false,
            also_in: Vec::new(),
        };
        let pair = crate::batch::Pair {
            a: 0,
            b: 1,
            chars_in_a: 7,
            chars_in_b: 7,
            passages: vec![(shared_a.clone(), shared_b.clone())],
        };
        let result = |p: Passage| EssayResult {
            total_chars: 20,
            copied_chars: 7,
            quoted_chars: 0,
            sources: vec![(p.source, 7)],
            passages: vec![p],
        };
        let report = BatchReport::new(
            vec![submission("甲&<b>.txt", a), submission("乙.docx", b)],
            vec![
                result(passage(shared_a, shared_b.clone(), 1)),
                result(passage(shared_b, 25..32, 0)),
            ],
            Vec::new(),
            true,
            vec![pair],
        );
        let html = render(&report);
        assert!(!html.contains("<script>"), "essay text must be escaped");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("甲&amp;&lt;b&gt;.txt"));
        assert!(
            !html.contains("http"),
            "nothing fetched or linked outside the file"
        );
        assert!(html.contains(
            "<a class=\"hl c0\" id=\"pair-0-a-0\" href=\"#pair-0-b-0\" title=\"第 1 处共有段落，点击跳到对方\">共同的段落𠀀在</a>"
        ));
        assert!(html.contains("id=\"pair-0-b-0\" href=\"#pair-0-a-0\""));
        assert_eq!(html.matches("class=\"essay-row\"").count(), 2);
        assert_eq!(html.matches("class=\"pair-row\"").count(), 1);
    }

    #[test]
    fn overlapping_marks_keep_the_first() {
        let mark = |range: Range<usize>, id: &str| Mark {
            range,
            id: id.to_owned(),
            href: "#x".to_owned(),
            class: "hl".to_owned(),
            title: String::new(),
        };
        let html = highlight(
            "一二三四五",
            vec![mark(1..3, "b"), mark(0..2, "a"), mark(3..5, "c")],
        );
        assert_eq!(
            html,
            "<a class=\"hl\" id=\"a\" href=\"#x\" title=\"\">一二</a>三<a class=\"hl\" id=\"c\" href=\"#x\" title=\"\">四五</a>"
        );
    }
}
