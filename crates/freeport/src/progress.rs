//! Progress bars on standard error for every long command (scan, assess, deid, open, release),
//! drawn only when standard error is a terminal, so pipes and files see nothing of them.
//!
//! One [`Bar`] serves every engine's progress interface: the scanner's (bytes or rows of each
//! dataset), the de-identification engine's (stages, lattice nodes, columns) and the sealed
//! package's (bytes decrypted).

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on stderr, drawn only when stderr is a terminal.
pub(crate) struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub(crate) fn new() -> Self {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.enable_steady_tick(Duration::from_millis(200));
        Self { bar }
    }

    /// Clears the bar from the terminal; call before printing the result.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn style(&self, template: &str) {
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
    }

    /// A stage named `message` of `steps` steps (a bar), or of unknown length (a spinner with
    /// the time spent).
    fn start(&self, message: &str, steps: Option<u64>, unit: &str) {
        // Counts and words first, the template last: a frame drawn in between shows the new
        // stage's numbers under the old template, never the old numbers under the new one.
        self.bar.set_position(0);
        self.bar.set_length(steps.unwrap_or(0));
        self.bar.set_message(message.to_owned());
        match steps {
            Some(_) => self.style(&format!(
                "{{spinner}} {{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{eta}}"
            )),
            None => self.style("{spinner} {msg} {elapsed}"),
        }
    }

    /// `freeport open`: bytes decrypted of `total`.
    pub(crate) fn decrypted(&self, done: u64, total: u64) {
        if done == 0 {
            self.style("{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}");
            self.bar.set_length(total);
            self.bar.set_message("decrypting and checking");
        }
        self.bar.set_position(done.min(total));
    }
}

impl freeport_scan::Progress for Bar {
    fn start(&self, name: &str, bytes: Option<u64>) {
        match bytes {
            Some(_) => {
                self.style(
                    "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
                );
            }
            None => self.style("{spinner} {msg} {pos} rows {per_sec}"),
        }
        self.bar.set_length(bytes.unwrap_or(0));
        self.bar.set_position(0);
        self.bar.set_message(name.to_owned());
    }

    fn advance(&self, bytes: Option<u64>, rows: u64) {
        match (bytes, self.bar.length()) {
            (Some(bytes), Some(length)) if length > 0 => self.bar.set_position(bytes.min(length)),
            _ => self.bar.set_position(rows),
        }
    }

    fn finish(&self) {
        self.bar.set_position(self.bar.length().unwrap_or(0));
    }
}

impl freeport_deid::progress::Progress for Bar {
    fn stage(&self, stage: freeport_deid::progress::Stage, steps: Option<u64>) {
        let unit = match stage {
            freeport_deid::progress::Stage::Search => "nodes",
            freeport_deid::progress::Stage::Transform => "columns",
            _ => "",
        };
        self.start(stage.describe(), steps, unit);
    }

    fn advance(&self, done: u64) {
        self.bar.set_position(done);
    }
}
