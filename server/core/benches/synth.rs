//! Writes a synthetic corpus and a draft that copies from it, for scripts outside Rust
//! (`scripts/compare-copydetect.py`). Not a benchmark: a bench target only so that it shares
//! `support/synth.rs` with the benchmarks and is never part of the product.
//!
//! `cargo bench --bench synth -- --out DIR [--mb 10 (or 0.5)] [--seed 1] [--utf8] [--with-builtin]`
//!
//! `cargo bench --bench synth -- --out DIR --essays 200 [--essay-chars 2000]` writes a batch of
//! essays instead, `DIR/essays/NNN.md`, for timing `essay-lsp check --cross` (BENCHMARKS.md):
//! each copies sentences from three others of the batch and from the built-in corpus.
//!
//! Writes `DIR/corpus/part*/NNNNN.txt`, `DIR/draft/draft.md` (20,000 characters) and, with
//! `--with-builtin`, the built-in essays as `DIR/corpus/builtin/*.txt`, so that a tool without
//! essay-lsp's built-in corpus sees the same material. `--utf8` writes every file in UTF-8 (by
//! default one in ten is GBK with CRLF line ends).

#[path = "support/synth.rs"]
mod synth;

use std::path::PathBuf;

fn main() {
    let mut out: Option<PathBuf> = None;
    let (mut mb, mut seed, mut utf8, mut with_builtin) = (10f64, 1u64, false, false);
    let (mut essays, mut essay_chars) = (0usize, 2_000usize);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().map(PathBuf::from),
            "--mb" => mb = args.next().and_then(|v| v.parse().ok()).expect("--mb N"),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            "--utf8" => utf8 = true,
            "--with-builtin" => with_builtin = true,
            "--essays" => {
                essays = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--essays N")
            }
            "--essay-chars" => {
                essay_chars = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--essay-chars N")
            }
            // cargo bench passes --bench to every bench target.
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: cargo bench --bench synth -- --out DIR [--mb 10] [--seed 1] [--utf8] [--with-builtin]");
        std::process::exit(2);
    };
    if essays > 0 {
        let batch = synth::batch_essays(seed, essays, essay_chars);
        let dir = out.join("essays");
        std::fs::create_dir_all(&dir).unwrap();
        for (i, text) in batch.iter().enumerate() {
            std::fs::write(dir.join(format!("{i:03}.md")), text).unwrap();
        }
        println!(
            "{{\"essays\": {}, \"essay_chars\": {essay_chars}}}",
            batch.len()
        );
        return;
    }
    let texts = synth::corpus_texts(seed, (mb * 1_048_576.0) as usize);
    let written = synth::write_texts(&out.join("corpus"), &texts, !utf8).unwrap();
    if with_builtin {
        let dir = out.join("corpus/builtin");
        std::fs::create_dir_all(&dir).unwrap();
        for (i, essay) in essay_core::corpus::Corpus::builtin()
            .essays
            .iter()
            .enumerate()
        {
            std::fs::write(dir.join(format!("builtin-{i:02}.txt")), &essay.text).unwrap();
        }
    }
    let draft = synth::draft_copying(&texts, 20_000);
    std::fs::create_dir_all(out.join("draft")).unwrap();
    std::fs::write(out.join("draft/draft.md"), &draft).unwrap();
    println!(
        "{{\"files\": {}, \"bytes\": {}, \"chars\": {}, \"draft_chars\": {}}}",
        written.files,
        written.bytes,
        written.chars,
        draft.chars().count()
    );
}
