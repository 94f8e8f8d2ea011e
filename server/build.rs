//! Makes the checks' tables from the built-in data with the analysis core's own code
//! (`essay_core::prebuilt::make_all`), so that the binary carries them instead of making them on
//! every start (`src/main.rs` embeds `$OUT_DIR/tables.bin`).
//!
//! Cargo reruns this whenever the core (a build dependency) or its data changes, so the tables
//! always come from the same sources as the code that reads them.

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("tables.bin"), essay_core::prebuilt::make_all())
        .expect("write to OUT_DIR");
}
