//! The 复制比 report as markdown, laid out like a 查重 report's 全文对照: the summary, the
//! sources, the official wording left out of the count, then every copied or quoted span beside
//! its source passage. `similarity_json` is the same summary for `check --format json`.

use serde_json::{json, Value};

use crate::analysis::{Analyzer, Report, MAX_FINDINGS};
use crate::checks::copied::Similarity;
use crate::checks::Code;
use crate::corpus::Corpus;
use crate::text::escape_markdown;

pub fn markdown(analyzer: &Analyzer, name: &str, text: &str, report: &Report) -> String {
    let sim = &report.similarity;
    let corpus = &analyzer.corpus;
    let mut out = format!("# 复制比报告：{}\n\n", escape_markdown(name));
    out.push_str(&format!(
        "- 总字数（不计标点空白）：{}\n- 复制比（去除引用与规范表述）：{:.1}%\n- 引用比（引号内与参考文献）：{:.1}%\n",
        sim.total_chars,
        sim.copy_ratio() * 100.0,
        sim.quote_ratio() * 100.0
    ));
    let left_out: usize = sim.left_out.iter().map(|l| l.count).sum();
    if left_out > 0 {
        out.push_str(&format!(
            "- 规范表述（提法等，不计入复制比）：{} 种 {left_out} 处\n",
            sim.left_out.len()
        ));
    }
    out.push_str(&format!(
        "- 套话（空泛的句子）：{:.1}%\n",
        report.formulaic.ratio() * 100.0
    ));
    if let Some((essay, ratio)) = sim.largest() {
        out.push_str(&format!(
            "- 最大单篇：{:.1}%《{}》\n",
            ratio * 100.0,
            escape_markdown(&corpus.essays[essay].title)
        ));
    }
    if let Some(at) = report.truncated_at {
        out.push_str(&format!("- 注意：文档过长，只检查了前 {at} 字\n"));
    }
    if let Some(total) = report.capped {
        out.push_str(&format!(
            "- 注意：问题过多，共 {total} 个，只列出 {MAX_FINDINGS} 个（复制与引文问题、较长的优先）\n"
        ));
    }
    source_table(
        &mut out,
        "\n## 来源\n\n| 语料 | 出处 | 重复字数 | 占全文 |\n| --- | --- | ---: | ---: |\n",
        &sim.sources,
        corpus,
        sim.total_chars,
    );
    source_table(
        &mut out,
        "\n## 引用来源\n\n| 文献或语料 | 出处 | 引用字数 | 占全文 |\n| --- | --- | ---: | ---: |\n",
        &sim.cited,
        corpus,
        sim.total_chars,
    );
    if !sim.left_out.is_empty() {
        out.push_str(
            "\n## 未计入复制比的规范表述\n\n| 表述 | 类别 | 处数 |\n| --- | --- | ---: |\n",
        );
        for l in &sim.left_out {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                escape_markdown(&l.text),
                l.kind.label_zh(),
                l.count
            ));
        }
    }
    let spans: Vec<_> = report
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.code,
                Code::CopiedFromCorpus
                    | Code::QuotedFromCorpus
                    | Code::FromReference
                    | Code::Misquoted
            )
        })
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
        let kind = match f.code {
            Code::QuotedFromCorpus => "引用",
            Code::FromReference => "引用文献",
            Code::Misquoted => "引文有误",
            _ => "复制",
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

/// A table of the corpus essays a share of the draft comes from: title, origin, chars and their
/// share of `total_chars`; nothing when there are none.
fn source_table(
    out: &mut String,
    heading: &str,
    rows: &[(usize, usize)],
    corpus: &Corpus,
    total_chars: usize,
) {
    if rows.is_empty() {
        return;
    }
    out.push_str(heading);
    for &(essay, chars) in rows {
        let e = &corpus.essays[essay];
        out.push_str(&format!(
            "| 《{}》 | {} | {} | {:.1}% |\n",
            escape_markdown(&e.title),
            escape_markdown(&e.describe_origin()),
            chars,
            chars as f64 * 100.0 / total_chars.max(1) as f64
        ));
    }
}

/// The similarity summary as JSON: both ratios, the sources of each, and the official wording
/// left out of the count.
pub fn similarity_json(analyzer: &Analyzer, sim: &Similarity, summary: &str) -> Value {
    let list = |items: &[(usize, usize)]| -> Vec<Value> {
        items
            .iter()
            .map(|&(essay, chars)| {
                let e = &analyzer.corpus.essays[essay];
                json!({
                    "title": e.title,
                    "origin": e.describe_origin(),
                    "reference": e.is_reference(),
                    "chars": chars,
                    "ratio": chars as f64 / sim.total_chars.max(1) as f64,
                })
            })
            .collect()
    };
    let left_out: Vec<Value> = sim
        .left_out
        .iter()
        .map(|l| json!({ "text": l.text, "kind": l.kind.label_zh(), "count": l.count }))
        .collect();
    json!({
        "summary": summary,
        "denominatorChars": sim.total_chars,
        "copiedChars": sim.copied_chars,
        "quotedChars": sim.quoted_chars,
        "referenceChars": sim.reference_chars,
        "copyRatio": sim.copy_ratio(),
        "quoteRatio": sim.quote_ratio(),
        "largestSourceRatio": sim.largest().map(|(_, r)| r).unwrap_or(0.0),
        "sources": list(&sim.sources),
        "citedSources": list(&sim.cited),
        "formulasNotCounted": left_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::corpus::{Corpus, Origin, Role};

    #[test]
    fn report_splits_the_ratios_and_lists_the_wording_left_out() {
        let formula =
            "深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”";
        let mut corpus = Corpus::default();
        corpus.push(
            "实施意见".to_owned(),
            format!("{formula}，坚持早发现、早干预、早帮扶，对易返贫致贫人口做到应纳尽纳。"),
            Origin::File("refs/实施意见.txt".into()),
        );
        corpus.essays[0].role = Role::Reference;
        corpus.push(
            "驻村体会".to_owned(),
            "我们村每月入户走访一遍，把台账记在一本蓝皮笔记本上，谁家有难处一目了然。".to_owned(),
            Origin::File("peers/驻村体会.txt".into()),
        );
        let settings = Settings::default();
        let (analyzer, _) = Analyzer::from_corpus(corpus, &settings);
        let text = format!(
            "我们要{formula}。坚持早发现、早干预、早帮扶，对易返贫致贫人口做到应纳尽纳。\n\
             我们村每月入户走访一遍，把台账记在一本蓝皮笔记本上。"
        );
        let mut report = analyzer.check(&text, &settings);
        let md = markdown(&analyzer, "draft.md", &text, &report);
        assert!(md.contains("- 引用比（引号内与参考文献）："), "{md}");
        assert!(
            md.contains("## 引用来源") && md.contains("《实施意见》"),
            "{md}"
        );
        assert!(
            md.contains("## 来源") && md.contains("《驻村体会》"),
            "{md}"
        );
        assert!(md.contains("## 未计入复制比的规范表述"), "{md}");
        assert!(md.contains("深刻领悟“两个确立”的决定性意义"), "{md}");
        assert!(md.contains("· 引用文献") && md.contains("· 复制"), "{md}");
        assert!(!md.contains("问题过多"));

        report.capped = Some(1500);
        let md = markdown(&analyzer, "draft.md", &text, &report);
        assert!(md.contains("共 1500 个"), "{md}");
        assert!(!md.contains("文档过长"), "the cap is not a length limit");

        let json = similarity_json(&analyzer, &report.similarity, "s");
        assert!(json["referenceChars"].as_u64().unwrap() >= 13);
        assert_eq!(json["citedSources"][0]["reference"], true);
        assert!(!json["formulasNotCounted"].as_array().unwrap().is_empty());
    }
}
