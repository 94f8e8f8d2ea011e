//! Hover text: markdown, in Chinese, with everything markdown could eat escaped.
//!
//! The corpus contains 习** (a masked name), 20xx and the odd [ ] or < >: rendered raw, 习**
//! would open bold text and swallow the rest of the hover.

use std::ops::Range;

use super::{Entry, Example, Source};
use crate::normalize::normalize_str;
use crate::text::{escape_markdown as escape, escape_markdown_block as escape_block};

/// Variants longer than this are the formula written out; the items list shows them better.
const MAX_SHOWN_VARIANT_CHARS: usize = 12;
const MAX_SHOWN_VARIANTS: usize = 5;
/// Corpus definitions shown in a hover.
const MAX_SHOWN_DEFINITIONS: usize = 2;

/// `text` with `term` (a char range in it) in bold.
fn bolded(text: &str, term: &Range<usize>) -> String {
    let len = text.chars().count();
    if term.start >= term.end || term.end > len {
        return escape(text);
    }
    let before: String = text.chars().take(term.start).collect();
    let inside: String = text.chars().skip(term.start).take(term.len()).collect();
    let after: String = text.chars().skip(term.end).collect();
    format!(
        "{}**{}**{}",
        escape(&before),
        escape(&inside),
        escape(&after)
    )
}

fn example_line(example: &Example) -> String {
    format!(
        "- {} ——《{}》\n",
        bolded(&example.text, &example.term),
        escape(&example.title)
    )
}

fn examples(out: &mut String, essay_count: usize, examples: &[Example]) {
    if essay_count == 0 {
        out.push_str("**语料用法**：参考语料中未出现\n");
        return;
    }
    out.push_str(&format!("**语料用法**：见于 {essay_count} 篇语料文章\n\n"));
    for example in examples {
        out.push_str(&example_line(example));
    }
}

/// The whole hover for a glossary entry; computed once at load.
pub(crate) fn entry(entry: &Entry) -> String {
    let mut out = format!(
        "**{}** · {}\n\n{}\n\n",
        escape(&entry.term),
        escape(&entry.category),
        escape_block(&entry.definition)
    );
    for (k, item) in entry.items.iter().enumerate() {
        out.push_str(&format!("{}. {}\n", k + 1, escape_block(item)));
    }
    if !entry.items.is_empty() {
        out.push('\n');
    }

    let term = normalize_str(&entry.term);
    let items: Vec<String> = entry.items.iter().map(|i| normalize_str(i)).collect();
    let mut shown: Vec<&str> = Vec::new();
    let mut shown_norm = vec![term];
    for variant in &entry.variants {
        let norm = normalize_str(variant);
        if variant.chars().count() <= MAX_SHOWN_VARIANT_CHARS
            && !shown_norm.contains(&norm)
            && !items.contains(&norm)
            && shown.len() < MAX_SHOWN_VARIANTS
        {
            shown.push(variant);
            shown_norm.push(norm);
        }
    }
    if !shown.is_empty() {
        out.push_str(&format!("又作：{}\n\n", escape(&shown.join("、"))));
    }
    if let Some(origin) = &entry.origin {
        out.push_str(&format!("出处：{}\n\n", escape(origin)));
    }
    if entry.local {
        out.push_str("说明：参考语料记录的地方用法，不是中央文件的统一提法\n\n");
    }
    if let Source::User(path) = &entry.source {
        out.push_str(&format!(
            "来源：用户词表 {}\n\n",
            escape(&path.display().to_string())
        ));
    }

    if !entry.corpus_definitions.is_empty() {
        out.push_str("**语料中的定义**\n\n");
        for definition in entry.corpus_definitions.iter().take(MAX_SHOWN_DEFINITIONS) {
            out.push_str(&format!(
                "- {} ——《{}》\n",
                bolded(&definition.text, &definition.term),
                escape(&definition.title)
            ));
        }
        out.push('\n');
    }
    examples(&mut out, entry.essay_count, &entry.examples);
    out.truncate(out.trim_end().len());
    out
}

/// The hover for an official formula (提法) that has no glossary entry of its own, with the
/// entries it contains.
pub(crate) fn formula(text: &str, related: &[&str]) -> String {
    let mut out = format!(
        "**{}** · 规范提法\n\n党和国家文件中的固定表述，引用时应一字不差，不宜改写或增删。",
        escape(text)
    );
    if !related.is_empty() {
        let names: Vec<String> = related
            .iter()
            .map(|t| format!("「{}」", escape(t)))
            .collect();
        out.push_str(&format!("\n\n相关词条：{}", names.join("")));
    }
    out
}

/// The hover for an ordinary corpus word with no glossary entry.
pub(crate) fn word(word: &str, essay_count: usize, found: &[Example]) -> String {
    let mut out = format!("**{}** · 语料常用词（词表未收录）\n\n", escape(word));
    examples(&mut out, essay_count, found);
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bolds_a_char_range_outside_the_bmp_safely() {
        assert_eq!(bolded("𠀀三包即", &(1..3)), "𠀀**三包**即");
        assert_eq!(bolded("习**说", &(0..1)), "**习**\\*\\*说");
    }
}
