//! A progress bar on stderr for `essay-lsp check` while a large corpus is read and indexed, and
//! while a batch of essays is cross-checked.
//!
//! Drawn only when stderr is a terminal and the build has already taken a moment (a built-in
//! corpus loads too fast for a bar to be anything but flicker); erased when the build is done, so
//! the check's output starts on a clean line.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use essay_core::analysis::Progress;

/// Builds shorter than this show no bar.
const QUIET_FOR: Duration = Duration::from_millis(400);
const WIDTH: usize = 30;

pub struct Bar {
    enabled: bool,
    started: Instant,
    /// The last line drawn (percent, message), so unchanged lines are not redrawn.
    drawn: Mutex<Option<(u32, String)>>,
}

impl Bar {
    pub fn stderr() -> Bar {
        Bar {
            enabled: std::io::stderr().is_terminal(),
            started: Instant::now(),
            drawn: Mutex::new(None),
        }
    }

    pub fn update(&self, progress: Progress) {
        if !self.enabled || self.started.elapsed() < QUIET_FOR {
            return;
        }
        self.draw(progress.percent().min(100), progress.message());
    }

    /// `done` of `total` steps, with a message (`互查 120/200 篇`).
    pub fn count(&self, done: usize, total: usize, message: String) {
        if !self.enabled || self.started.elapsed() < QUIET_FOR {
            return;
        }
        let percent = (done.min(total) * 100).checked_div(total).unwrap_or(100) as u32;
        self.draw(percent, message);
    }

    fn draw(&self, percent: u32, message: String) {
        let mut drawn = self.drawn.lock().unwrap();
        if drawn
            .as_ref()
            .is_some_and(|(p, m)| *p == percent && *m == message)
        {
            return;
        }
        let filled = WIDTH * percent as usize / 100;
        let line = format!(
            "\r\x1b[2Kessay-lsp [{}{}] {percent:>3}% {message}",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled)
        );
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
        *drawn = Some((percent, message));
    }

    /// Erases the bar, if one was drawn.
    pub fn finish(&self) {
        if self.drawn.lock().unwrap().take().is_some() {
            let _ = std::io::stderr().write_all(b"\r\x1b[2K");
        }
    }
}
