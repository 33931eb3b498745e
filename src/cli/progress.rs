//! The progress line on a terminal: files done of the total, then the phase after the files.
//! Shown only when standard error is a terminal and the scan lasts longer than a moment, so
//! quick scans, pipes and CI logs never see it.

use crate::scan::{Progress, ProgressEvent};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Told by the CLI once the scan returned, to clear the line.
pub const FINISHED: &str = "finished";

/// Scans shorter than this show nothing.
const QUIET_FOR: Duration = Duration::from_millis(400);

pub fn bar(quiet: bool) -> Option<Progress> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    let style = ProgressStyle::with_template("{spinner} {pos}/{len} files {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    let started = Instant::now();
    let shown = std::sync::atomic::AtomicBool::new(false);
    let callback = move |event: ProgressEvent| {
        if !shown.load(std::sync::atomic::Ordering::Relaxed) && started.elapsed() > QUIET_FOR {
            shown.store(true, std::sync::atomic::Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        match event {
            ProgressEvent::Walked { files } => {
                bar.set_length(files as u64);
                bar.set_message("analyzing");
            }
            ProgressEvent::FileDone => bar.inc(1),
            ProgressEvent::Phase(FINISHED) => bar.finish_and_clear(),
            ProgressEvent::Phase(name) => bar.set_message(name),
        }
    };
    Some(Progress(Arc::new(callback)))
}
