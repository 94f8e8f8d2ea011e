//! What the code needs from its build:
//!
//! - a fingerprint of what it is built from: its sources, the corpus data and the locked
//!   dependency versions. Cache entries and the checks' prebuilt tables carry it, so that no
//!   other build ever reads them (`src/prebuilt.rs`, `src/mining/stock.rs`);
//! - the corpus data as `include_str!`s, so that the compiler checks its encoding
//!   (`src/builtin.rs`);
//! - jieba's dictionary as an `fst` map, searched in place, so that segmenting a few texts need
//!   not load all of it (`src/segment/dictionary_slice.rs`);
//! - jieba's part-of-speech model in binary form, so that tagging need not parse its text
//!   (`src/segment/posseg.rs`).

use std::path::{Path, PathBuf};

const INPUTS: [&str; 4] = ["src", "../../corpus", "Cargo.toml", "../../Cargo.lock"];

fn main() {
    let mut files = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        collect(Path::new(input), &mut files);
    }
    files.sort();
    // FNV-1a: a few megabytes, once per build; no collision resistance is needed beyond chance.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut add = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    };
    for file in &files {
        let contents = std::fs::read(file).unwrap_or_default();
        add(file.to_string_lossy().as_bytes());
        add(&(contents.len() as u64).to_le_bytes());
        add(&contents);
    }
    println!("cargo:rustc-env=ESSAY_LSP_BUILD_FINGERPRINT={hash:016x}");
    corpus_files();
    jieba_data();
}

/// Writes `$OUT_DIR/corpus_files.rs`: every UTF-8 file under `corpus/`, by its path relative
/// to it, as an `include_str!`, sorted by path. The compiler checks the encoding once, where a
/// run used to check it on every start (jieba's word list alone is ≈1 MB: ≈1 ms of CPU).
fn corpus_files() {
    let root = Path::new("../../corpus")
        .canonicalize()
        .expect("the corpus folder beside the server");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut entries: Vec<(String, String)> = files
        .iter()
        .filter(|file| {
            let bytes = std::fs::read(file).unwrap_or_default();
            std::str::from_utf8(&bytes).is_ok()
        })
        .map(|file| {
            let relative = file.strip_prefix(&root).expect("collected under the root");
            let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
            (parts.join("/"), file.display().to_string())
        })
        .collect();
    entries.sort();
    let mut code = String::from("&[\n");
    for (path, file) in entries {
        code.push_str(&format!("    ({path:?}, include_str!({file:?})),\n"));
    }
    code.push_str("]\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("corpus_files.rs"), code).expect("write to OUT_DIR");
}

/// Writes `$OUT_DIR/jieba-dict.fst` (word → frequency << 8 | tag number) and
/// `$OUT_DIR/jieba-dict-tags.txt` (the sum of all frequencies, then the tags, one a line) from
/// the `dict.txt` of the jieba-rs that Cargo.lock pins, and `jieba-posseg.bin` with
/// `jieba-posseg-tags.txt` from the `posseg.txt` beside it. Where they cannot be found (a
/// vendored build, say), all are written empty and segmentation loads jieba's own dictionary
/// and model, as it would without them; a test fails so that our own builds never do.
fn jieba_data() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let ((map, tags), (model, model_tags)) = match jieba_dict_path() {
        Some((path, version)) => {
            println!("cargo:rerun-if-changed={}", path.display());
            // For the tests that compare our word lists with the dictionary; not used at run time.
            println!("cargo:rustc-env=ESSAY_LSP_JIEBA_DICT={}", path.display());
            println!("cargo:rustc-env=ESSAY_LSP_JIEBA_VERSION={version}");
            let text = std::fs::read_to_string(&path).expect("jieba's dict.txt is UTF-8");
            let posseg = path.with_file_name("posseg.txt");
            println!("cargo:rerun-if-changed={}", posseg.display());
            let posseg =
                std::fs::read_to_string(posseg).expect("jieba's posseg.txt beside dict.txt");
            (dictionary_map(&text), posseg_model(&posseg))
        }
        None => {
            println!(
                "cargo:warning=jieba-rs's dict.txt not found: segmentation will load all of it"
            );
            ((Vec::new(), String::new()), (Vec::new(), String::new()))
        }
    };
    std::fs::write(out.join("jieba-dict.fst"), map).expect("write to OUT_DIR");
    std::fs::write(out.join("jieba-dict-tags.txt"), tags).expect("write to OUT_DIR");
    std::fs::write(out.join("jieba-posseg.bin"), model).expect("write to OUT_DIR");
    std::fs::write(out.join("jieba-posseg-tags.txt"), model_tags).expect("write to OUT_DIR");
}

/// `dict.txt` of the locked jieba-rs version in cargo's registry, and that version.
fn jieba_dict_path() -> Option<(PathBuf, String)> {
    println!("cargo:rerun-if-env-changed=CARGO_HOME");
    let lock = std::fs::read_to_string("../../Cargo.lock").ok()?;
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"jieba-rs\""))?
        .lines()
        .find_map(|l| l.strip_prefix("version = "))?
        .trim_matches('"')
        .to_owned();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    std::fs::read_dir(cargo_home.join("registry").join("src"))
        .ok()?
        .flatten()
        .map(|index| {
            index
                .path()
                .join(format!("jieba-rs-{version}/src/data/dict.txt"))
        })
        .find(|p| p.is_file())
        .map(|path| (path, version))
}

/// The map and the tag file of `dict` (lines of word, frequency, tag).
fn dictionary_map(dict: &str) -> (Vec<u8>, String) {
    let mut tags: Vec<&str> = Vec::new();
    let mut entries: Vec<(&str, u64)> = Vec::new();
    let mut total: u64 = 0;
    for line in dict.lines() {
        let mut fields = line.split_ascii_whitespace();
        let Some(word) = fields.next() else { continue };
        let freq: u64 = fields.next().map_or(0, |f| f.parse().expect("a frequency"));
        let tag = fields.next().unwrap_or("");
        let tag_number = match tags.iter().position(|t| *t == tag) {
            Some(n) => n,
            None => {
                tags.push(tag);
                tags.len() - 1
            }
        };
        assert!(
            tag_number < 256,
            "jieba's dictionary has more than 256 tags"
        );
        total += freq;
        entries.push((word, freq << 8 | tag_number as u64));
    }
    // Stable: of two entries of one word, jieba's trie keeps the later (its total counts both).
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut builder = fst::MapBuilder::memory();
    for (i, &(word, value)) in entries.iter().enumerate() {
        if entries.get(i + 1).is_some_and(|next| next.0 == word) {
            continue;
        }
        builder.insert(word, value).expect("sorted, distinct words");
    }
    let mut tag_file = format!("{total}\n");
    for tag in tags {
        tag_file.push_str(tag);
        tag_file.push('\n');
    }
    (builder.into_inner().expect("an fst in memory"), tag_file)
}

/// States of jieba's part-of-speech HMM: 4 positions (B, M, E, S) × 64 tags.
const POSSEG_STATES: usize = 256;
/// jieba-rs's log probability of the impossible.
const MIN_FLOAT: f64 = -3.14e100;

/// jieba-rs's `posseg.txt` (sections of text numbers) as `src/segment/posseg.rs` reads it: the
/// model as jieba-rs's `parse_posseg_data` holds it, in little-endian numbers, and the tags, one
/// a line. The layout:
///
/// - start log probabilities: 256 f64, by state (position × 64 + tag);
/// - transitions: 256 × 256 f64, `[to][from]`;
/// - the row of each char below U+10000: 65536 u16 (0: the empty row);
/// - u32 n, then n × (u32 char, u16 row): rows of the chars above, ascending;
/// - u32 n, then n rows × (u32 start, 5 u16 bounds of the positions' groups);
/// - u32 n, then n u16 states, then their n f64 emission log probabilities, the rows' lists back
///   to back, each ascending by state.
fn posseg_model(text: &str) -> (Vec<u8>, String) {
    let state = |pos: &str, tag: &str| -> usize {
        pos.trim().parse::<usize>().expect("a position") * 64
            + tag.trim().parse::<usize>().expect("a tag number")
    };
    let number = |s: &str| -> f64 { s.trim().parse().expect("a log probability") };
    let mut tags = String::new();
    let mut start = vec![MIN_FLOAT; POSSEG_STATES];
    let mut trans = vec![MIN_FLOAT; POSSEG_STATES * POSSEG_STATES];
    // As jieba-rs: a char's emissions in the order first seen, a later value replacing an
    // earlier one; a char's state list replaced by a later one, and dropped when empty.
    let mut emits: std::collections::BTreeMap<char, Vec<(usize, f64)>> = Default::default();
    let mut char_states: std::collections::BTreeMap<char, Vec<usize>> = Default::default();
    let mut section = "";
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with('@') {
            section = line;
            continue;
        }
        let mut segments = line.split('|');
        let head = segments.next().expect("a first field");
        match section {
            "@TAGS" => {
                for tag in line.split(',') {
                    tags.push_str(tag.trim());
                    tags.push('\n');
                }
            }
            "@START" => {
                let mut parts = line.splitn(3, ',');
                let (pos, tag, prob) = (parts.next(), parts.next(), parts.next());
                start[state(pos.unwrap(), tag.unwrap())] = number(prob.expect("a probability"));
            }
            "@TRANS" => {
                let (pos, tag) = head.split_once(',').expect("a state");
                let from = state(pos, tag);
                for seg in segments.map(str::trim).filter(|s| !s.is_empty()) {
                    let mut parts = seg.splitn(3, ',');
                    let (pos, tag, prob) = (parts.next(), parts.next(), parts.next());
                    let to = state(pos.unwrap(), tag.expect("a tag"));
                    trans[to * POSSEG_STATES + from] = number(prob.expect("a probability"));
                }
            }
            "@EMIT" => {
                let (pos, tag) = head.split_once(',').expect("a state");
                let s = state(pos, tag);
                for seg in segments.map(str::trim).filter(|s| !s.is_empty()) {
                    let (ch, prob) = seg.rsplit_once(',').expect("a char and a probability");
                    let ch = ch.chars().next().expect("a char");
                    let entries = emits.entry(ch).or_default();
                    match entries.iter_mut().find(|(es, _)| *es == s) {
                        Some(entry) => entry.1 = number(prob),
                        None => entries.push((s, number(prob))),
                    }
                }
            }
            "@CHAR_STATE" => {
                let ch = head.chars().next().expect("a char");
                let states: Vec<usize> = segments
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|seg| {
                        let (pos, tag) = seg.split_once(',').expect("a state");
                        state(pos, tag)
                    })
                    .collect();
                if states.is_empty() {
                    char_states.remove(&ch);
                } else {
                    char_states.insert(ch, states);
                }
            }
            _ => {}
        }
    }
    // Each char's row: its state list with the emission of each (or the impossible), else
    // every state it has an emission for; ascending by state, as jieba-rs sorts them.
    let mut rows: Vec<(char, Vec<(usize, f64)>)> = Vec::new();
    for (&ch, states) in &char_states {
        let own = emits.get(&ch).map(Vec::as_slice).unwrap_or(&[]);
        let row = states.iter().map(|&s| {
            let prob = own
                .iter()
                .find(|(es, _)| *es == s)
                .map_or(MIN_FLOAT, |&(_, p)| p);
            (s, prob)
        });
        rows.push((ch, row.collect()));
    }
    for (&ch, own) in &emits {
        if !char_states.contains_key(&ch) {
            rows.push((ch, own.clone()));
        }
    }
    rows.sort_by_key(|(ch, _)| *ch);

    let mut out = Vec::new();
    let f64s = |out: &mut Vec<u8>, values: &[f64]| {
        for v in values {
            out.extend_from_slice(&v.to_le_bytes());
        }
    };
    f64s(&mut out, &start);
    f64s(&mut out, &trans);
    let mut bmp = vec![0u16; 0x1_0000];
    let mut beyond: Vec<(u32, u16)> = Vec::new();
    let mut bounds_of_rows: Vec<(u32, [u16; 5])> = vec![(0, [0; 5])];
    let mut states: Vec<u16> = Vec::new();
    let mut probs: Vec<f64> = Vec::new();
    for (ch, mut row) in rows {
        row.sort_by_key(|&(s, _)| s);
        let number = u16::try_from(bounds_of_rows.len()).expect("fewer than 65536 rows");
        let mut bounds = [0u16; 5];
        for pos in 0..4 {
            bounds[pos + 1] = row.partition_point(|&(s, _)| s / 64 <= pos) as u16;
        }
        bounds_of_rows.push((states.len() as u32, bounds));
        states.extend(row.iter().map(|&(s, _)| s as u16));
        probs.extend(row.iter().map(|&(_, p)| p));
        match usize::try_from(u32::from(ch))
            .ok()
            .filter(|&c| c < bmp.len())
        {
            Some(c) => bmp[c] = number,
            None => beyond.push((u32::from(ch), number)),
        }
    }
    for row in bmp {
        out.extend_from_slice(&row.to_le_bytes());
    }
    out.extend_from_slice(&(beyond.len() as u32).to_le_bytes());
    for (ch, row) in beyond {
        out.extend_from_slice(&ch.to_le_bytes());
        out.extend_from_slice(&row.to_le_bytes());
    }
    out.extend_from_slice(&(bounds_of_rows.len() as u32).to_le_bytes());
    for (start, bounds) in bounds_of_rows {
        out.extend_from_slice(&start.to_le_bytes());
        for b in bounds {
            out.extend_from_slice(&b.to_le_bytes());
        }
    }
    out.extend_from_slice(&(states.len() as u32).to_le_bytes());
    for s in states {
        out.extend_from_slice(&s.to_le_bytes());
    }
    f64s(&mut out, &probs);
    (out, tags)
}

/// Every file at or under `path` (a missing path adds nothing: `Cargo.lock` is absent when the
/// package is built on its own).
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_path_buf());
    } else if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries.flatten() {
            collect(&entry.path(), files);
        }
    }
}
