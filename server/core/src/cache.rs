//! The on-disk cache of corpus fingerprint indexes, so a restart or a one-shot `check` with an
//! unchanged user corpus does not index it again.
//!
//! An index is a function of the normalised essay texts (and of `K`, `W`, the posting caps and
//! the k-gram hash), so that is what the key is made of: a 128-bit hash of every essay's
//! normalised characters, in order. Files that are renamed, touched or re-encoded without a
//! change of text keep their entry; any change of text gives a new key, and the stale entry is
//! evicted once newer ones push it out (at most `MAX_ENTRIES` are kept, least recently used
//! dropped first). Corpora smaller than `MIN_CACHED_CHARS` index in a few milliseconds and are
//! never cached; a half-megabyte corpus takes ~8 ms of CPU to index and ~2 ms to read back,
//! a quarter of what a `check` of a draft against it costs.
//!
//! The file is a small header (magic, format version, parameters, key, array lengths), the three
//! arrays of the index in little-endian order, and a checksum. It is written to a temporary file
//! and renamed into place, so readers never see half a file; a file that is truncated, damaged
//! or of another version is ignored (and replaced by the next store).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::fingerprint::{self, Index, Posting, K, MAX_POSTINGS, MAX_POSTINGS_PER_ESSAY, W};
use crate::normalize::Normalized;
use crate::parallel;

/// Bump when the file layout or the meaning of the arrays changes.
pub const FORMAT_VERSION: u32 = 1;
/// Corpora with fewer normalised characters than this are not cached.
pub const MIN_CACHED_CHARS: usize = 100_000;
/// Index files kept in the cache folder.
pub const MAX_ENTRIES: usize = 4;

const MAGIC: &[u8; 8] = b"ESSAYIDX";
/// Temporary files older than this are left-overs of a crashed write.
const STALE_TEMP: Duration = Duration::from_secs(24 * 60 * 60);

/// Identifies the normalised texts an index was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub a: u64,
    pub b: u64,
}

impl CacheKey {
    /// The key of a corpus: its essays' normalised texts, in order, with everything else the
    /// index depends on.
    pub fn of(essays: &[Normalized]) -> CacheKey {
        let per_essay = parallel::map(
            essays,
            |e| e.chars.len(),
            |e| {
                let mut h = Hash2::new();
                h.add(e.chars.len() as u64);
                for pair in e.chars.chunks(2) {
                    let hi = pair.get(1).map_or(0x11_0000, |&c| c as u64);
                    h.add((pair[0] as u64) | (hi << 32));
                }
                h
            },
        );
        let mut h = Hash2::new();
        for param in [
            FORMAT_VERSION as u64,
            K as u64,
            W as u64,
            MAX_POSTINGS as u64,
            MAX_POSTINGS_PER_ESSAY as u64,
            // Changes whenever the k-gram hash does.
            fingerprint::kgram_hash(&['脱', '贫', '攻', '坚', '精', '准', '扶', '贫', 'a', '1']),
            essays.len() as u64,
        ] {
            h.add(param);
        }
        for e in per_essay {
            h.add(e.a);
            h.add(e.b);
        }
        CacheKey {
            a: h.a_finish(),
            b: h.b_finish(),
        }
    }

    /// The key of a list of strings, in order (each with its length, so the parts cannot
    /// shift into one another).
    pub fn of_strings<'s>(parts: impl IntoIterator<Item = &'s str>) -> CacheKey {
        let mut h = Hash2::new();
        for part in parts {
            h.add(part.len() as u64);
            for chunk in part.as_bytes().chunks(8) {
                let mut bytes = [0u8; 8];
                bytes[..chunk.len()].copy_from_slice(chunk);
                h.add(u64::from_le_bytes(bytes));
            }
        }
        CacheKey {
            a: h.a_finish(),
            b: h.b_finish(),
        }
    }

    fn file_name(&self) -> String {
        format!("index-{:016x}{:016x}.bin", self.a, self.b)
    }

    fn hex(&self) -> String {
        format!("{:016x}{:016x}", self.a, self.b)
    }
}

/// Lists of each kind kept in the cache folder (they are small).
pub const MAX_LIST_ENTRIES: usize = 16;
const LIST_VERSION: u32 = 1;

/// What a list in the cache folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// A corpus's mined stock phrases (`mining::stock::corpus_phrases`).
    Phrases,
    /// The clauses of a corpus tagged so far (`mining::stock::TaggedClauses`).
    TaggedClauses,
    /// The stretches that recur in a corpus, and where (`mining::stock::Recurring`).
    Recurring,
}

impl ListKind {
    fn prefix(self) -> &'static str {
        match self {
            ListKind::Phrases => "phrases-",
            ListKind::TaggedClauses => "tagged-",
            ListKind::Recurring => "recurring-",
        }
    }

    /// First word of the file, before its version and key.
    fn magic(self) -> &'static str {
        match self {
            ListKind::Phrases => "essay-lsp-phrases",
            ListKind::TaggedClauses => "essay-lsp-tagged-clauses",
            ListKind::Recurring => "essay-lsp-recurring-stretches",
        }
    }
}

/// A hash of `text` that stays the same across builds and toolchains (std's hashers promise no
/// such thing), for generated data keyed by text.
pub(crate) fn stable_hash(text: &str) -> u64 {
    let mut hash = Hash2::new();
    for chunk in text.as_bytes().chunks(8) {
        let mut bytes = [0u8; 8];
        bytes[..chunk.len()].copy_from_slice(chunk);
        hash.add(u64::from_le_bytes(bytes));
    }
    hash.add(text.len() as u64);
    hash.a_finish()
}

/// Two independent 64-bit multiply–rotate hashes, together 128 bits.
#[derive(Clone, Copy)]
struct Hash2 {
    a: u64,
    b: u64,
}

impl Hash2 {
    fn new() -> Hash2 {
        Hash2 {
            a: 0x243f_6a88_85a3_08d3,
            b: 0x1319_8a2e_0370_7344,
        }
    }

    fn add(&mut self, v: u64) {
        self.a = (self.a ^ v)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
        self.b = (self.b.rotate_left(17) ^ v).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    }

    fn a_finish(&self) -> u64 {
        mix(self.a)
    }

    fn b_finish(&self) -> u64 {
        mix(self.b ^ 0x5851_f42d_4c95_7f2d)
    }
}

fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The platform's per-user cache folder for essay-lsp: `$XDG_CACHE_HOME/essay-lsp`, else
/// `~/.cache/essay-lsp` (`~/Library/Caches/essay-lsp` on macOS, `%LOCALAPPDATA%\essay-lsp` on
/// Windows). None when there is no home to put it in.
pub fn user_cache_dir() -> Option<PathBuf> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if let Some(xdg) = absolute("XDG_CACHE_HOME") {
        return Some(xdg.join("essay-lsp"));
    }
    if cfg!(windows) {
        return absolute("LOCALAPPDATA").map(|p| p.join("essay-lsp"));
    }
    let home = absolute("HOME")?;
    if cfg!(target_os = "macos") {
        Some(home.join("Library/Caches/essay-lsp"))
    } else {
        Some(home.join(".cache/essay-lsp"))
    }
}

/// A folder of cached indexes.
#[derive(Debug, Clone)]
pub struct IndexCache {
    dir: PathBuf,
}

/// Why a lookup found nothing usable (for logs and tests).
#[derive(Debug, PartialEq, Eq)]
pub enum Miss {
    /// No entry for the key.
    Absent,
    /// An entry exists but cannot be used; it will be replaced.
    Unusable(String),
}

impl IndexCache {
    /// The cache in the user's cache folder (see `user_cache_dir`).
    pub fn user() -> Option<IndexCache> {
        user_cache_dir().map(IndexCache::at)
    }

    pub fn at(dir: impl Into<PathBuf>) -> IndexCache {
        IndexCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(key.file_name())
    }

    /// The cached index for `key`, built over `essays` (which the key was computed from). On a
    /// miss the essays are handed back.
    pub fn load(
        &self,
        key: &CacheKey,
        essays: Vec<Normalized>,
    ) -> Result<Index, (Vec<Normalized>, Miss)> {
        let path = self.path(key);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err((essays, Miss::Absent)),
            Err(e) => return Err((essays, Miss::Unusable(e.to_string()))),
        };
        let parts = match read_parts(file, key, &essays) {
            Ok(parts) => parts,
            Err(e) => return Err((essays, Miss::Unusable(e.to_string()))),
        };
        let (keys, offsets, postings) = parts;
        if let Err(e) = fingerprint::validate_parts(&essays, &keys, &offsets, &postings) {
            return Err((essays, Miss::Unusable(e)));
        }
        touch(&path);
        Ok(Index::from_parts(essays, keys, offsets, postings).expect("parts were validated"))
    }

    /// Writes `index` under `key` (atomically: a temporary file renamed into place), then
    /// evicts the least recently used entries beyond `MAX_ENTRIES`.
    pub fn store(&self, key: &CacheKey, index: &Index) -> io::Result<PathBuf> {
        let _writing = WriteInProgress::start()?;
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path(key);
        let written = crate::atomic::write_cache_file(&path, |file| write_parts(file, key, index));
        written?;
        self.evict(&path, "index-", ".bin", MAX_ENTRIES);
        self.remove_old_tables();
        Ok(path)
    }

    pub fn phrases_path(&self, key: &CacheKey) -> PathBuf {
        self.list_path(ListKind::Phrases, key)
    }

    /// The phrase list stored under `key` (mined corpus stock phrases: jieba takes ~0.1 s to
    /// load before it can mine them). None when there is none or it is damaged.
    pub fn load_phrases(&self, key: &CacheKey) -> Option<Vec<String>> {
        self.load_list(ListKind::Phrases, key)
    }

    /// Stores `phrases` (one a line: none holds a line break) under `key`, atomically, and
    /// evicts the least recently used lists beyond `MAX_LIST_ENTRIES`.
    pub fn store_phrases(&self, key: &CacheKey, phrases: &[String]) -> io::Result<PathBuf> {
        self.store_list(ListKind::Phrases, key, phrases)
    }

    fn list_path(&self, kind: ListKind, key: &CacheKey) -> PathBuf {
        self.dir.join(format!("{}{}.txt", kind.prefix(), key.hex()))
    }

    /// The list of `kind` stored under `key`, one item a line. None when there is none or it
    /// is damaged.
    pub fn load_list(&self, kind: ListKind, key: &CacheKey) -> Option<Vec<String>> {
        let path = self.list_path(kind, key);
        let text = std::fs::read_to_string(&path).ok()?;
        let mut lines: Vec<&str> = text.lines().collect();
        let header = format!("{} {LIST_VERSION} {}", kind.magic(), key.hex());
        if lines.first() != Some(&header.as_str()) {
            return None;
        }
        let footer = lines.pop()?;
        let items: Vec<String> = lines[1..].iter().map(|&l| l.to_owned()).collect();
        if footer != list_footer(&items) {
            return None;
        }
        touch(&path);
        Some(items)
    }

    /// Stores `items` (one a line: none holds a line break) as the list of `kind` under `key`,
    /// atomically, and evicts the least recently used lists of that kind beyond
    /// `MAX_LIST_ENTRIES`.
    pub fn store_list(
        &self,
        kind: ListKind,
        key: &CacheKey,
        items: &[String],
    ) -> io::Result<PathBuf> {
        if items.iter().any(|p| p.contains(['\n', '\r'])) {
            return Err(bad("a list item holds a line break"));
        }
        let _writing = WriteInProgress::start()?;
        std::fs::create_dir_all(&self.dir)?;
        let path = self.list_path(kind, key);
        let mut text = format!("{} {LIST_VERSION} {}\n", kind.magic(), key.hex());
        for item in items {
            text.push_str(item);
            text.push('\n');
        }
        text.push_str(&list_footer(items));
        text.push('\n');
        crate::atomic::write_cache_file(&path, |file| file.write_all(text.as_bytes()))?;
        self.evict(&path, kind.prefix(), ".txt", MAX_LIST_ENTRIES);
        self.remove_old_tables();
        Ok(path)
    }

    /// `store_list` on another thread, with the items `items` gives there: for lists the
    /// answer at hand does not need. [`wait_for_writes`] waits for it, as for every write.
    pub fn store_list_later(
        &self,
        kind: ListKind,
        key: CacheKey,
        items: impl FnOnce() -> Vec<String> + Send + 'static,
    ) {
        // Counted from now, not from when the thread gets to it, so a wait cannot miss it.
        let Ok(writing) = WriteInProgress::start() else {
            return;
        };
        let cache = self.clone();
        std::thread::spawn(move || {
            // A list that cannot be stored costs only the next run the work.
            let _ = cache.store_list(kind, &key, &items());
            drop(writing);
        });
    }

    /// Removes the checks' tables that builds before 2026-12 kept here (`tables-*.bin`, ≈6 MB a
    /// build): the binary carries them now (`prebuilt`).
    fn remove_old_tables(&self) {
        self.evict(Path::new(""), "tables-", ".bin", 1);
    }

    /// Removes crashed writes' temporary files and all but the `max` most recently used
    /// entries named `prefix…suffix`, `keep` among them.
    pub(crate) fn evict(&self, keep: &Path, prefix: &str, suffix: &str, max: usize) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        let mut indexes: Vec<(SystemTime, PathBuf)> = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.trim_start_matches('.').starts_with(prefix) {
                continue;
            }
            let modified = entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            if name.contains(crate::atomic::TEMP_MARK) {
                if now.duration_since(modified).unwrap_or_default() > STALE_TEMP {
                    let _ = std::fs::remove_file(&path);
                }
            } else if name.ends_with(suffix) && path != keep {
                indexes.push((modified, path));
            }
        }
        indexes.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
        for (_, path) in indexes.into_iter().skip(max - 1) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Marks the file at `path` as just used: eviction goes by modification time.
pub(crate) fn touch(path: &Path) {
    // Read-only: setting the times of a file we own needs no write access, and the file is
    // never opened for writing in place.
    if let Ok(file) = File::open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// A checksum of every byte after the magic: four independent multiply–rotate lanes over
/// 8-byte words, so it runs at memory speed.
struct Checksum {
    lanes: [u64; 4],
    /// Bytes not yet making a whole 32-byte block.
    pending: Vec<u8>,
    total: u64,
}

impl Checksum {
    fn new() -> Checksum {
        Checksum {
            lanes: [
                0x243f_6a88_85a3_08d3,
                0x1319_8a2e_0370_7344,
                0xa409_3822_299f_31d0,
                0x082e_fa98_ec4e_6c89,
            ],
            pending: Vec::with_capacity(32),
            total: 0,
        }
    }

    fn block(&mut self, block: &[u8]) {
        for (lane, word) in self.lanes.iter_mut().zip(block.chunks_exact(8)) {
            let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            *lane = (*lane ^ w)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(31);
        }
    }

    fn update(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if !self.pending.is_empty() {
            let take = (32 - self.pending.len()).min(bytes.len());
            self.pending.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.pending.len() < 32 {
                return;
            }
            let block = std::mem::take(&mut self.pending);
            self.block(&block);
            self.pending = block;
            self.pending.clear();
        }
        let blocks = bytes.chunks_exact(32);
        let rest = blocks.remainder();
        for block in blocks {
            self.block(block);
        }
        self.pending.extend_from_slice(rest);
    }

    fn finish(mut self) -> u64 {
        if !self.pending.is_empty() {
            let mut last = std::mem::take(&mut self.pending);
            last.resize(32, 0);
            self.block(&last);
        }
        let [a, b, c, d] = self.lanes;
        mix(a ^ mix(b ^ mix(c ^ mix(d ^ self.total))))
    }
}

fn header_values(key: &CacheKey, essays: usize, keys: usize, postings: usize) -> [u64; 10] {
    [
        FORMAT_VERSION as u64,
        K as u64,
        W as u64,
        MAX_POSTINGS as u64,
        MAX_POSTINGS_PER_ESSAY as u64,
        key.a,
        key.b,
        essays as u64,
        keys as u64,
        postings as u64,
    ]
}

/// Writes bytes and checksums them.
struct Output<W: Write> {
    out: BufWriter<W>,
    sum: Checksum,
    buf: Vec<u8>,
}

impl<W: Write> Output<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sum.update(bytes);
        self.out.write_all(bytes)
    }

    /// Writes `items` little-endian, `width` bytes each, in blocks.
    fn put_all<T: Copy>(
        &mut self,
        items: &[T],
        width: usize,
        bytes_of: impl Fn(T, &mut [u8]),
    ) -> io::Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        for chunk in items.chunks(BLOCK) {
            buf.clear();
            buf.resize(chunk.len() * width, 0);
            for (&item, out) in chunk.iter().zip(buf.chunks_exact_mut(width)) {
                bytes_of(item, out);
            }
            self.put(&buf)?;
        }
        self.buf = buf;
        Ok(())
    }
}

/// Items converted per block when reading or writing arrays.
const BLOCK: usize = 64 * 1024;

fn write_parts(file: &mut File, key: &CacheKey, index: &Index) -> io::Result<()> {
    let (keys, offsets, postings) = index.parts();
    let mut out = Output {
        out: BufWriter::with_capacity(1 << 20, file),
        sum: Checksum::new(),
        buf: Vec::new(),
    };
    out.out.write_all(MAGIC)?;
    let header = header_values(key, index.essays.len(), keys.len(), postings.len());
    out.put_all(&header, 8, |v, b| b.copy_from_slice(&v.to_le_bytes()))?;
    let lens: Vec<u64> = index.essays.iter().map(|e| e.chars.len() as u64).collect();
    out.put_all(&lens, 8, |v, b| b.copy_from_slice(&v.to_le_bytes()))?;
    out.put_all(keys, 8, |v, b| b.copy_from_slice(&v.to_le_bytes()))?;
    out.put_all(offsets, 4, |v, b| b.copy_from_slice(&v.to_le_bytes()))?;
    out.put_all(postings, 8, |p, b| {
        b[..4].copy_from_slice(&p.essay.to_le_bytes());
        b[4..].copy_from_slice(&p.pos.to_le_bytes());
    })?;
    let Output {
        out: mut file, sum, ..
    } = out;
    file.write_all(&sum.finish().to_le_bytes())?;
    // No fsync: a file torn by a crash fails its checksum and is rebuilt.
    file.flush()
}

fn bad(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_owned())
}

type Parts = (Vec<u64>, Vec<u32>, Vec<Posting>);

/// Reads bytes and checksums them.
struct Input {
    input: File,
    sum: Checksum,
    buf: Vec<u8>,
}

impl Input {
    /// Reads `n` items of `width` bytes each.
    fn take_all<T>(
        &mut self,
        n: usize,
        width: usize,
        from_bytes: impl Fn(&[u8]) -> T,
    ) -> io::Result<Vec<T>> {
        let mut out = Vec::with_capacity(n);
        let mut buf = std::mem::take(&mut self.buf);
        let mut left = n;
        while left > 0 {
            let count = left.min(BLOCK);
            buf.resize(count * width, 0);
            self.input.read_exact(&mut buf)?;
            self.sum.update(&buf);
            out.extend(buf.chunks_exact(width).map(&from_bytes));
            left -= count;
        }
        self.buf = buf;
        Ok(out)
    }
}

fn u64_of(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().expect("8 bytes"))
}

fn read_parts(mut file: File, key: &CacheKey, essays: &[Normalized]) -> io::Result<Parts> {
    let len = file.metadata()?.len();
    let mut magic = [0u8; 8];
    file.read_exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(bad("not an essay-lsp index"));
    }
    let mut input = Input {
        input: file,
        sum: Checksum::new(),
        buf: Vec::new(),
    };
    let header = input.take_all(10, 8, u64_of)?;
    let (n_keys, n_postings) = (header[8], header[9]);
    // Lengths come from the file: check them against its size before allocating anything.
    let expected =
        8 + 8 * 10 + 8 * essays.len() as u64 + 8 * n_keys + 4 * (n_keys + 1) + 8 * n_postings + 8;
    if header[..8] != header_values(key, essays.len(), 0, 0)[..8] || expected != len {
        return Err(bad("another version, another corpus or a truncated file"));
    }
    let lens = input.take_all(essays.len(), 8, u64_of)?;
    if lens
        .iter()
        .zip(essays)
        .any(|(&l, e)| l != e.chars.len() as u64)
    {
        return Err(bad("essay lengths differ"));
    }
    let keys = input.take_all(n_keys as usize, 8, u64_of)?;
    let offsets = input.take_all(n_keys as usize + 1, 4, |b| {
        u32::from_le_bytes(b.try_into().expect("4 bytes"))
    })?;
    let postings = input.take_all(n_postings as usize, 8, |b| Posting {
        essay: u32::from_le_bytes(b[..4].try_into().expect("4 bytes")),
        pos: u32::from_le_bytes(b[4..].try_into().expect("4 bytes")),
    })?;
    let mut stored = [0u8; 8];
    input.input.read_exact(&mut stored)?;
    if u64::from_le_bytes(stored) != input.sum.finish() {
        return Err(bad("checksum mismatch"));
    }
    Ok((keys, offsets, postings))
}

/// Cache writes under way in this process, so an exiting server or command can let them finish
/// instead of leaving a half-written temporary file behind; and whether it is exiting, after
/// which no write starts (one that started after the wait would be cut off by the exit).
struct Writes {
    under_way: usize,
    closed: bool,
}

static WRITES: std::sync::Mutex<Writes> = std::sync::Mutex::new(Writes {
    under_way: 0,
    closed: false,
});
/// Signalled when a write ends.
static WRITE_ENDED: std::sync::Condvar = std::sync::Condvar::new();

fn writes() -> std::sync::MutexGuard<'static, Writes> {
    WRITES.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) struct WriteInProgress;

impl WriteInProgress {
    /// A write may start: counted until the guard is dropped. An error once the process is
    /// exiting ([`close_writes`]).
    pub(crate) fn start() -> io::Result<WriteInProgress> {
        let mut writes = writes();
        if writes.closed {
            return Err(io::Error::other("the process is exiting"));
        }
        writes.under_way += 1;
        Ok(WriteInProgress)
    }
}

impl Drop for WriteInProgress {
    fn drop(&mut self) {
        writes().under_way -= 1;
        WRITE_ENDED.notify_all();
    }
}

/// The last line of a list: how many items, and a hash of them.
fn list_footer(phrases: &[String]) -> String {
    let key = CacheKey::of_strings(phrases.iter().map(String::as_str));
    format!("end {} {}", phrases.len(), key.hex())
}

/// Waits until no cache write is under way, at most `limit`; true when none is.
pub fn wait_for_writes(limit: std::time::Duration) -> bool {
    let waited = WRITE_ENDED.wait_timeout_while(writes(), limit, |w| w.under_way > 0);
    let (writes, _) = waited.unwrap_or_else(|e| e.into_inner());
    writes.under_way == 0
}

/// For a process about to exit: no cache write starts from now on, and those under way are
/// waited for, at most `limit`; true when none is left.
pub fn close_writes(limit: std::time::Duration) -> bool {
    writes().closed = true;
    wait_for_writes(limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    fn essays(texts: &[&str]) -> Vec<Normalized> {
        texts.iter().map(|t| normalize(t)).collect()
    }

    const A: &str = "改革开放以来，我们实施大规模扶贫开发，使七亿多农村贫困人口摆脱贫困，取得了举世瞩目的伟大成就。";
    const B: &str =
        "小康不小康，关键看老乡。脱贫攻坚是全面建成小康社会的底线任务和标志性指标，必须如期完成。";

    #[test]
    fn stored_index_loads_back_identical() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path().join("cache"));
        let essays = essays(&[A, B]);
        let key = CacheKey::of(&essays);
        let index = Index::from_normalized(essays.clone());
        let (_, miss) = cache.load(&key, essays.clone()).unwrap_err();
        assert_eq!(miss, Miss::Absent);
        let path = cache.store(&key, &index).unwrap();
        assert!(path.starts_with(cache.dir()));
        let loaded = cache.load(&key, essays.clone()).unwrap();
        assert_eq!(loaded.parts(), index.parts());
        let draft: Vec<char> = normalize(A).chars;
        assert_eq!(loaded.find_matches(&draft), index.find_matches(&draft));
        // Only the index file is left: no temporary files.
        let names: Vec<_> = std::fs::read_dir(cache.dir()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_changed_text_is_a_different_key() {
        let before = essays(&[A, B]);
        let after = essays(&[A, &B.replace("底线", "底限")]);
        assert_ne!(CacheKey::of(&before), CacheKey::of(&after));
        // Punctuation and width do not change the index, so they do not change the key.
        let same = essays(&[&A.replace('，', ","), B]);
        assert_eq!(CacheKey::of(&before), CacheKey::of(&same));
        // Essays in another order are another index (ids differ).
        assert_ne!(CacheKey::of(&before), CacheKey::of(&essays(&[B, A])));
    }

    #[test]
    fn stale_entry_after_a_file_changes_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        std::fs::write(corpus.join("a.txt"), A).unwrap();
        std::fs::write(corpus.join("b.txt"), B).unwrap();
        let cache = IndexCache::at(dir.path().join("cache"));
        let load = || {
            let (c, _) = crate::corpus::Corpus::load(std::slice::from_ref(&corpus), false);
            let essays: Vec<Normalized> = c.essays.iter().map(|e| normalize(&e.text)).collect();
            (CacheKey::of(&essays), essays)
        };
        let (key, essays) = load();
        cache
            .store(&key, &Index::from_normalized(essays.clone()))
            .unwrap();
        assert!(cache.load(&key, essays).is_ok());

        std::fs::write(corpus.join("b.txt"), format!("{B}我的新段落在这里。")).unwrap();
        let (new_key, essays) = load();
        assert_ne!(new_key, key);
        let (essays, miss) = cache.load(&new_key, essays).unwrap_err();
        assert_eq!(miss, Miss::Absent);
        let rebuilt = Index::from_normalized(essays.clone());
        cache.store(&new_key, &rebuilt).unwrap();
        assert_eq!(
            cache.load(&new_key, essays).unwrap().parts(),
            rebuilt.parts()
        );
    }

    #[test]
    fn corrupt_or_truncated_files_are_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        let essays = essays(&[A, B]);
        let key = CacheKey::of(&essays);
        let index = Index::from_normalized(essays.clone());
        let path = cache.store(&key, &index).unwrap();
        let good = std::fs::read(&path).unwrap();

        let unusable = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            match cache.load(&key, essays.clone()) {
                Err((_, Miss::Unusable(_))) => {}
                other => panic!("damaged file accepted: {:?}", other.map(|_| ())),
            }
        };
        // A flipped bit in the postings, in the header, a truncated file, garbage, nothing.
        let mut flipped = good.clone();
        let at = flipped.len() - 20;
        flipped[at] ^= 0x40;
        unusable(&flipped);
        let mut version = good.clone();
        version[8] ^= 1;
        unusable(&version);
        unusable(&good[..good.len() / 2]);
        unusable(b"ESSAYIDX\xff\xff\xff\xff\xff\xff\xff\xff");
        unusable(b"");
        // The next store replaces it.
        cache.store(&key, &index).unwrap();
        assert!(cache.load(&key, essays).is_ok());
    }

    #[test]
    fn old_entries_are_evicted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        let mut paths = Vec::new();
        for i in 0..MAX_ENTRIES + 2 {
            let essays = essays(&[&format!("{A}{i}"), B]);
            let key = CacheKey::of(&essays);
            paths.push(cache.store(&key, &Index::from_normalized(essays)).unwrap());
            age(paths.last().unwrap(), i);
        }
        assert_oldest_two_evicted(&paths, MAX_ENTRIES);
    }

    /// Gives the `i`-th file written a modification time of its own, older for smaller `i`.
    fn age(path: &Path, i: usize) {
        let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + i as u64);
        File::options()
            .append(true)
            .open(path)
            .unwrap()
            .set_modified(when)
            .unwrap();
    }

    /// Of `max + 2` files written oldest first, the two oldest are gone and the rest are there.
    fn assert_oldest_two_evicted(paths: &[PathBuf], max: usize) {
        let left: Vec<bool> = paths.iter().map(|p| p.exists()).collect();
        assert_eq!(left.iter().filter(|&&x| x).count(), max);
        assert!(!left[0] && !left[1] && left[max + 1]);
    }

    #[test]
    fn phrase_lists_round_trip_and_damage_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        let key = CacheKey::of_strings(["语料", "一"]);
        assert_ne!(key, CacheKey::of_strings(["语料一"]));
        assert_eq!(cache.load_phrases(&key), None);
        let phrases = vec!["严重滞后".to_owned(), "扎实推进".to_owned()];
        let path = cache.store_phrases(&key, &phrases).unwrap();
        assert_eq!(cache.load_phrases(&key), Some(phrases.clone()));
        cache.store_phrases(&key, &[]).unwrap();
        assert_eq!(cache.load_phrases(&key), Some(Vec::new()));
        cache.store_phrases(&key, &phrases).unwrap();
        // Another key's file, a changed phrase, a lost line: misses.
        let other = CacheKey::of_strings(["别的语料"]);
        std::fs::copy(&path, cache.phrases_path(&other)).unwrap();
        assert_eq!(cache.load_phrases(&other), None);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("严重", "严肃")).unwrap();
        assert_eq!(cache.load_phrases(&key), None);
        std::fs::write(&path, text.replace("扎实推进\n", "")).unwrap();
        assert_eq!(cache.load_phrases(&key), None);
        assert!(cache.store_phrases(&key, &["两\n行".to_owned()]).is_err());
        // Another kind of list under the same key is a file of its own, and neither is taken
        // for the other.
        let kind = ListKind::TaggedClauses;
        cache.store_phrases(&key, &phrases).unwrap();
        let tagged = vec!["扎实推进脱贫工作\t扎实推进".to_owned()];
        let tagged_path = cache.store_list(kind, &key, &tagged).unwrap();
        assert_ne!(tagged_path, path);
        assert_eq!(cache.load_list(kind, &key), Some(tagged));
        assert_eq!(cache.load_phrases(&key), Some(phrases.clone()));
        std::fs::copy(&path, &tagged_path).unwrap();
        assert_eq!(cache.load_list(kind, &key), None);
    }

    #[test]
    fn touching_a_file_marks_it_used_without_writing_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index-0.bin");
        std::fs::write(&path, b"kept").unwrap();
        let long_ago = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        touch(&path);
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        assert!(modified > long_ago + std::time::Duration::from_secs(86_400 * 365 * 10));
        assert_eq!(std::fs::read(&path).unwrap(), b"kept");
    }

    #[test]
    fn a_list_stored_later_is_there_once_writes_are_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        let key = CacheKey::of_strings(["后台写入"]);
        let kind = ListKind::Recurring;
        let (release, held) = std::sync::mpsc::channel::<()>();
        cache.store_list_later(kind, key, move || {
            // Held until the test has checked that the write is waited for.
            held.recv().unwrap();
            vec!["clauses 1".to_owned()]
        });
        assert!(!wait_for_writes(std::time::Duration::from_millis(20)));
        assert_eq!(cache.load_list(kind, &key), None);
        release.send(()).unwrap();
        assert!(wait_for_writes(std::time::Duration::from_secs(10)));
        assert_eq!(
            cache.load_list(kind, &key),
            Some(vec!["clauses 1".to_owned()])
        );
    }

    #[test]
    fn tables_older_builds_kept_here_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("tables-wording-8837845e770a514b.bin");
        std::fs::write(&old, b"old").unwrap();
        let index = dir.path().join("index-0.bin");
        std::fs::write(&index, b"kept").unwrap();
        let key = CacheKey::of_strings(["语料"]);
        let list = IndexCache::at(dir.path())
            .store_phrases(&key, &["严重滞后".to_owned()])
            .unwrap();
        assert!(!old.exists());
        assert!(index.exists() && list.exists());
    }

    #[test]
    fn phrase_lists_are_evicted_apart_from_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        let essays = essays(&[A, B]);
        let index = cache
            .store(&CacheKey::of(&essays), &Index::from_normalized(essays))
            .unwrap();
        let mut paths = Vec::new();
        for i in 0..MAX_LIST_ENTRIES + 2 {
            let key = CacheKey::of_strings([format!("语料{i}").as_str()]);
            paths.push(cache.store_phrases(&key, &["严重滞后".to_owned()]).unwrap());
            age(paths.last().unwrap(), i);
        }
        assert_oldest_two_evicted(&paths, MAX_LIST_ENTRIES);
        assert!(index.exists());
    }

    #[test]
    fn checksum_does_not_depend_on_how_bytes_are_split() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut whole = Checksum::new();
        whole.update(&bytes);
        let whole = whole.finish();
        for split in [1, 5, 31, 32, 33, 100, 999] {
            let mut parts = Checksum::new();
            for chunk in bytes.chunks(split) {
                parts.update(chunk);
            }
            assert_eq!(parts.finish(), whole, "split {split}");
        }
        let mut shorter = Checksum::new();
        shorter.update(&bytes[..999]);
        assert_ne!(shorter.finish(), whole);
    }

    #[test]
    fn cache_folder_follows_xdg() {
        // Only checks the shape: the environment is the test runner's.
        if let Some(dir) = user_cache_dir() {
            assert!(dir.is_absolute());
            assert!(dir.ends_with("essay-lsp"));
        }
    }
}
