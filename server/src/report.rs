//! The 复制比 report as markdown, laid out like a 查重 report's 全文对照: the summary, the
//! sources, then every copied or quoted span beside its source passage.

use crate::analysis::{Analyzer, Report};
use crate::checks::Code;
use crate::text::escape_markdown;

pub fn markdown(analyzer: &Analyzer, name: &str, text: &str, report: &Report) -> String {
    let sim = &report.similarity;
    let corpus = &analyzer.corpus;
    let mut out = format!("# 复制比报告：{}\n\n", escape_markdown(name));
    out.push_str(&format!(
        "- 总字数（不计标点空白）：{}\n- 复制比（去除引用）：{:.1}%\n- 引用：{:.1}%\n",
        sim.total_chars,
        sim.copy_ratio() * 100.0,
        sim.quote_ratio() * 100.0
    ));
    if let Some((essay, ratio)) = sim.largest() {
        out.push_str(&format!(
            "- 最大单篇：{:.1}%《{}》\n",
            ratio * 100.0,
            escape_markdown(&corpus.essays[essay].title)
        ));
    }
    if let Some(at) = report.truncated_at {
        out.push_str(&format!("- 注意：文档过长或问题过多，只检查了前 {at} 字\n"));
    }
    if !sim.sources.is_empty() {
        out.push_str(
            "\n## 来源\n\n| 语料 | 出处 | 重复字数 | 占全文 |\n| --- | --- | ---: | ---: |\n",
        );
        for &(essay, chars) in &sim.sources {
            let e = &corpus.essays[essay];
            out.push_str(&format!(
                "| 《{}》 | {} | {} | {:.1}% |\n",
                escape_markdown(&e.title),
                escape_markdown(&e.describe_origin()),
                chars,
                chars as f64 * 100.0 / sim.total_chars.max(1) as f64
            ));
        }
    }
    let spans: Vec<_> = report
        .findings
        .iter()
        .filter(|f| matches!(f.code, Code::CopiedFromCorpus | Code::QuotedFromCorpus))
        .collect();
    if spans.is_empty() {
        out.push_str("\n未发现与语料重复 13 字以上的段落。\n");
        return out;
    }
    out.push_str("\n## 全文对照\n");
    let chars: Vec<char> = text.chars().collect();
    for (n, f) in spans.iter().enumerate() {
        let line = chars[..f.range.start.min(chars.len())]
            .iter()
            .filter(|c| **c == '\n')
            .count()
            + 1;
        let passage: String = chars[f.range.start.min(chars.len())..f.range.end.min(chars.len())]
            .iter()
            .collect();
        let kind = if f.code == Code::QuotedFromCorpus {
            "引用"
        } else {
            "复制"
        };
        out.push_str(&format!(
            "\n### {}. 第 {line} 行 · {kind}\n\n> {}\n\n{}\n",
            n + 1,
            escape_markdown(&passage).replace('\n', "\n> "),
            escape_markdown(&f.message)
        ));
    }
    out
}
