//! The curated list of the genre's formulas, `corpus/phrases.txt`; its format is described in the
//! file's header comment.

use crate::mining::clauses::{fold_punct, is_clause_punct, trim_clause};

/// One line of the curated list: a formula made of one or more clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Formula {
    /// The clauses, without their trailing punctuation.
    pub clauses: Vec<String>,
    /// `seps[i]` joins `clauses[i]` to `clauses[i + 1]` (full-width punctuation, or empty).
    pub seps: Vec<String>,
}

#[cfg(test)]
impl Formula {
    /// The formula as written in text.
    pub fn text(&self) -> String {
        join(&self.clauses, &self.seps)
    }
}

/// Interleaves clauses and their separators: `a、b、c`.
pub(crate) fn join(clauses: &[String], seps: &[String]) -> String {
    let mut out = String::new();
    for (i, clause) in clauses.iter().enumerate() {
        out.push_str(clause);
        if i + 1 < clauses.len() {
            out.push_str(seps.get(i).map_or("，", String::as_str));
        }
    }
    out
}

/// Parses the list: plain lines are single-clause formulas, lines with `|` are chains.
pub(super) fn parse<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<Formula> {
    let mut out = Vec::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.contains('|') {
            let text = fold_punct(trim_clause(line));
            if !text.is_empty() {
                out.push(Formula {
                    clauses: vec![text],
                    seps: Vec::new(),
                });
            }
            continue;
        }
        let mut clauses = Vec::new();
        let mut seps = Vec::new();
        for part in line.split('|') {
            let part = fold_punct(part.trim());
            let sep: String = part
                .chars()
                .rev()
                .take_while(|&c| is_clause_punct(c))
                .collect();
            let clause = part[..part.len() - sep.len()].trim().to_owned();
            if clause.is_empty() {
                continue;
            }
            clauses.push(clause);
            seps.push(sep.chars().rev().collect());
        }
        seps.truncate(clauses.len().saturating_sub(1));
        if !clauses.is_empty() {
            out.push(Formula { clauses, seps });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_lines_and_chains() {
        let list = "# comment\n精准扶贫\n\n小康不小康，|关键看老乡\n撸起袖子|加油干\n一户不落、| 一个不少 \n路虽远,|行则将至；|事虽难，|做则必成";
        let parsed = parse(list.lines());
        let texts: Vec<String> = parsed.iter().map(Formula::text).collect();
        assert_eq!(
            texts,
            [
                "精准扶贫",
                "小康不小康，关键看老乡",
                "撸起袖子加油干",
                "一户不落、一个不少",
                "路虽远，行则将至；事虽难，做则必成"
            ]
        );
        assert_eq!(parsed[1].clauses, ["小康不小康", "关键看老乡"]);
        assert_eq!(parsed[1].seps, ["，"]);
        assert_eq!(parsed[2].seps, [""]);
        assert_eq!(parsed[4].seps, ["，", "；", "，"]);
    }

    #[test]
    fn the_shipped_list_is_well_formed_and_large() {
        let text = crate::builtin::text("phrases.txt");
        let parsed = parse(text.lines());
        assert!(parsed.len() >= 300, "only {} formulas", parsed.len());
        let chains = parsed.iter().filter(|f| f.clauses.len() > 1).count();
        assert!(chains >= 80, "only {chains} chains");
        for f in &parsed {
            for clause in &f.clauses {
                assert!(
                    clause.chars().count() >= 2 && !clause.contains(' '),
                    "bad clause {clause:?} in {:?}",
                    f.text()
                );
            }
        }
        // Plain lines are also words for the segmenter: no stray punctuation in them.
        for line in crate::builtin::list("phrases.txt").filter(|l| !l.contains('|')) {
            assert!(
                line.chars().all(char::is_alphanumeric),
                "plain line with punctuation: {line:?}"
            );
        }
        for expected in [
            "队伍不能撤、人心不能散、收尾要精彩、句号要圆满",
            "不忘初心，牢记使命",
            "撸起袖子加油干",
        ] {
            assert!(
                parsed.iter().any(|f| f.text() == expected),
                "{expected} missing"
            );
        }
    }
}
