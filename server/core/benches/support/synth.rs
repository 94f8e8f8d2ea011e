//! Deterministic synthetic corpora and drafts for the benchmarks.
//!
//! Shared by the criterion benches and the end-to-end harness through `#[path]`, so it is never
//! part of the product. Everything is derived from the built-in corpus and a seed: the same seed
//! gives byte-identical files on every machine, and nothing generated is ever committed.
//!
//! A synthetic essay recombines built-in sentences and clauses and mutates them (characters
//! swapped for others drawn from the corpus's own character distribution, neighbours exchanged),
//! so the corpus has what real collections of 心得体会 have: stock formulas shared by thousands of
//! essays, passages shared by a few, and text found nowhere else.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use essay_core::corpus::Corpus;

/// splitmix64: tiny, fast and the same everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x005e_ed0f_e55a_15b0)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What essays are made of: the built-in corpus cut into sentences and clauses, and its Han
/// characters with their frequencies (for substitutions that keep the text looking Chinese).
pub struct Material {
    pub sentences: Vec<String>,
    pub clauses: Vec<String>,
    pub han: Vec<char>,
}

const TOPICS: &[&str] = &[
    "脱贫攻坚",
    "精准扶贫",
    "乡村振兴",
    "驻村帮扶",
    "党史学习教育",
    "主题教育",
    "基层治理",
    "作风建设",
];
const GENRES: &[&str] = &["心得体会", "学习体会", "工作总结", "述职报告", "研讨发言"];

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

impl Material {
    pub fn builtin() -> Material {
        let corpus = Corpus::builtin();
        let mut sentences = Vec::new();
        let mut clauses = Vec::new();
        let mut han = Vec::new();
        for essay in &corpus.essays {
            han.extend(essay.text.chars().filter(|&c| is_han(c)));
            for sentence in essay
                .text
                .split(['。', '！', '？', '；', '\n'])
                .map(|s| s.trim().replace(',', "，"))
            {
                if sentence.chars().filter(|&c| is_han(c)).count() < 6 {
                    continue;
                }
                for clause in sentence.split(['，', '：', ':']) {
                    if clause.chars().filter(|&c| is_han(c)).count() >= 4 {
                        clauses.push(clause.to_owned());
                    }
                }
                sentences.push(sentence);
            }
        }
        Material {
            sentences,
            clauses,
            han,
        }
    }

    /// One sentence, `。`-terminated: a built-in sentence or 2–4 recombined clauses, with a share
    /// `mutation` of its Han characters replaced and a few neighbours swapped.
    pub fn sentence(&self, rng: &mut Rng, mutation: f64) -> String {
        let base = if rng.chance(0.5) {
            rng.pick(&self.sentences).clone()
        } else {
            let n = rng.between(2, 4);
            let parts: Vec<&str> = (0..n).map(|_| rng.pick(&self.clauses).as_str()).collect();
            parts.join("，")
        };
        let mut chars: Vec<char> = base.chars().collect();
        if mutation > 0.0 {
            for c in chars.iter_mut() {
                if is_han(*c) && rng.chance(mutation) {
                    *c = *rng.pick(&self.han);
                }
            }
            for i in 1..chars.len() {
                if rng.chance(mutation / 4.0) {
                    chars.swap(i - 1, i);
                }
            }
        }
        let mut s: String = chars.into_iter().collect();
        s.push('。');
        s
    }

    /// An essay of about `target_chars` characters: a title line, then paragraphs.
    pub fn essay(&self, rng: &mut Rng, target_chars: usize) -> String {
        // Most essays are lightly edited copies of the genre's material; some are rewritten.
        let mutation = match rng.below(10) {
            0..=2 => 0.0,
            3..=6 => 0.03,
            7..=8 => 0.10,
            _ => 0.25,
        };
        let mut out = format!(
            "{}年{}{}（{}）\n",
            rng.between(2015, 2024),
            rng.pick(TOPICS),
            rng.pick(GENRES),
            rng.below(1000)
        );
        let mut len = out.chars().count();
        while len < target_chars {
            let mut paragraph = String::new();
            for _ in 0..rng.between(2, 6) {
                paragraph.push_str(&self.sentence(rng, mutation));
            }
            paragraph.push('\n');
            len += paragraph.chars().count();
            out.push_str(&paragraph);
        }
        out
    }

    /// A draft of exactly `chars` characters, in paragraphs: mostly the writer's own sentences
    /// (heavily mutated material), with sentences lifted verbatim from `sources` (about one in
    /// six, some of them in quotation marks, some with one character changed), a few built-in
    /// formulas and an occasional sentence written twice.
    pub fn draft(&self, rng: &mut Rng, chars: usize, sources: &[&str]) -> String {
        let source_sentences: Vec<Vec<&str>> = sources
            .iter()
            .map(|s| {
                s.split_inclusive(['。', '\n'])
                    .map(str::trim)
                    .filter(|s| s.chars().count() >= 14)
                    .collect()
            })
            .collect();
        let mut out = String::from("# 我的心得体会\n\n");
        let mut written: Vec<String> = Vec::new();
        while out.chars().count() < chars {
            let mut paragraph = String::new();
            for _ in 0..rng.between(3, 7) {
                let roll = rng.below(100);
                let sentence = if roll < 16 && !source_sentences.is_empty() {
                    let essay = rng.pick(&source_sentences);
                    if essay.is_empty() {
                        continue;
                    }
                    let mut s: Vec<char> = rng.pick(essay).chars().collect();
                    if !s.ends_with(&['。']) {
                        s.push('。');
                    }
                    if rng.chance(0.3) {
                        let i = rng.below(s.len() - 1);
                        if is_han(s[i]) {
                            s[i] = *rng.pick(&self.han);
                        }
                    }
                    let s: String = s.into_iter().collect();
                    if rng.chance(0.15) {
                        format!("“{}”", s.trim_end_matches('。')) + "。"
                    } else {
                        s
                    }
                } else if roll < 20 {
                    rng.pick(&self.sentences).clone() + "。"
                } else if roll < 21 && !written.is_empty() {
                    rng.pick(&written).clone()
                } else {
                    self.sentence(rng, 0.35)
                };
                written.push(sentence.clone());
                paragraph.push_str(&sentence);
            }
            out.push_str(&paragraph);
            out.push_str("\n\n");
        }
        out.chars().take(chars).collect()
    }
}

/// Essays of a synthetic corpus of about `total_bytes` UTF-8 bytes, in memory: (name, text).
pub fn corpus_texts(seed: u64, total_bytes: usize) -> Vec<(String, String)> {
    let material = Material::builtin();
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let mut bytes = 0;
    while bytes < total_bytes {
        let target = rng.between(1_500, 6_000);
        let text = material.essay(&mut rng, target);
        bytes += text.len();
        out.push((format!("{:05}", out.len()), text));
    }
    out
}

/// What `write_corpus` wrote.
#[derive(Debug, Clone)]
pub struct Written {
    pub dir: PathBuf,
    pub files: usize,
    pub bytes: u64,
    pub chars: usize,
}

/// Writes a synthetic corpus of about `total_bytes` into `dir` (see `write_texts`).
pub fn write_corpus(dir: &Path, seed: u64, total_bytes: usize) -> std::io::Result<Written> {
    write_texts(dir, &corpus_texts(seed, total_bytes), true)
}

/// Writes essays into `dir`, 500 files per sub-folder. With `mixed_encodings`, one file in ten
/// is GBK with CRLF line ends, as exported Windows documents are; the rest is UTF-8.
pub fn write_texts(
    dir: &Path,
    texts: &[(String, String)],
    mixed_encodings: bool,
) -> std::io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let mut written = Written {
        dir: dir.to_owned(),
        files: 0,
        bytes: 0,
        chars: 0,
    };
    for (i, (name, text)) in texts.iter().enumerate() {
        let sub = dir.join(format!("part{:03}", i / 500));
        if i % 500 == 0 {
            std::fs::create_dir_all(&sub)?;
        }
        let bytes: Vec<u8> = if mixed_encodings && i % 10 == 9 {
            let crlf = text.replace('\n', "\r\n");
            encoding_rs::GBK.encode(&crlf).0.into_owned()
        } else {
            text.clone().into_bytes()
        };
        let mut file = std::fs::File::create(sub.join(format!("{name}.txt")))?;
        file.write_all(&bytes)?;
        written.files += 1;
        written.bytes += bytes.len() as u64;
        written.chars += text.chars().count();
    }
    Ok(written)
}

/// A 20,000-character-style draft that copies from a dozen essays of `corpus` (and from three
/// built-in ones).
pub fn draft_copying(corpus: &[(String, String)], chars: usize) -> String {
    let sources = sample_sources(corpus, 12, 7);
    let mut sources: Vec<&str> = sources.iter().map(String::as_str).collect();
    let builtin = Corpus::builtin();
    sources.extend(builtin.essays.iter().take(3).map(|e| e.text.as_str()));
    Material::builtin().draft(&mut Rng::new(99), chars, &sources)
}

/// The texts of a few essays of the corpus `corpus_texts(seed, total_bytes)` would make, spread
/// over it, for drafts that copy from it (without generating it all again).
pub fn sample_sources(corpus: &[(String, String)], n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed ^ 0xd1af7);
    (0..n)
        .map(|_| rng.pick(corpus).1.clone())
        .collect::<Vec<_>>()
}

/// `n` essays of `chars` characters for a cross-checked batch: each a draft (see
/// `Material::draft`) copying from three essays written before it and from the built-in corpus.
pub fn batch_essays(seed: u64, n: usize, chars: usize) -> Vec<String> {
    let material = Material::builtin();
    let builtin = Corpus::builtin();
    let mut rng = Rng::new(seed ^ 0xba7c4);
    let mut out: Vec<String> = Vec::with_capacity(n);
    for _ in 0..n {
        let mut sources: Vec<&str> = builtin
            .essays
            .iter()
            .take(2)
            .map(|e| e.text.as_str())
            .collect();
        for _ in 0..3.min(out.len()) {
            sources.push(rng.pick(&out).as_str());
        }
        let essay = material.draft(&mut rng, chars, &sources);
        out.push(essay);
    }
    out
}

/// The standard 20,000-character draft checked against the built-in corpus.
pub fn builtin_draft(chars: usize) -> String {
    let material = Material::builtin();
    let corpus = Corpus::builtin();
    let sources: Vec<&str> = corpus.essays.iter().map(|e| e.text.as_str()).collect();
    material.draft(&mut Rng::new(20_000), chars, &sources)
}
