//! Exit codes of the `freeport` executable, as documented in the README and `--help`, and the two
//! pieces of the output layer that keep them true whatever happens to standard output and
//! standard error: [`Stdout`] (a reader that stops early changes nothing) and
//! [`write_diagnostic`] (showing an error never panics).

use std::io::{self, Write};
use std::process::ExitCode;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the command ran and found nothing blocking.
    Success,
    /// 1: the command ran and its result blocks (a transfer not permitted, a proof that fails).
    Blocking,
    /// 2: the command could not run: usage, input, configuration or internal error.
    Error,
}

impl ExitStatus {
    /// The process exit code.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Blocking => 1,
            Self::Error => 2,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        Self::from(status.code())
    }
}

/// Standard output as commands see it: a reader that has gone away (`freeport judge … | head`)
/// is not an error of the command. The first broken pipe closes this writer: it and every later
/// write and flush succeed without writing, so the command finishes and its result — a blocking
/// decision, a failed check, an error — still picks the exit code. Any other write error (a full
/// disk behind `> file`) is returned as it is.
#[derive(Debug)]
pub struct Stdout<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Stdout<W> {
    /// Wraps `inner`.
    pub const fn new(inner: W) -> Self {
        Self {
            inner,
            closed: false,
        }
    }

    /// Whether the reader went away.
    #[must_use]
    pub const fn reader_gone(&self) -> bool {
        self.closed
    }

    fn absorb<T>(&mut self, result: io::Result<T>, done: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(done)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for Stdout<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.absorb(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.absorb(result, ())
    }
}

/// Writes `error` to `stderr` as miette renders it, falling back to its message and causes when
/// the rendering fails (a label outside its source, say); a write error is ignored (standard
/// error closed or full: there is nowhere left to say it). Never panics, so an error shown with
/// standard error gone still exits with its code.
pub fn write_diagnostic<E>(error: E, stderr: &mut dyn Write)
where
    E: miette::Diagnostic + Send + Sync + 'static,
{
    use std::fmt::Write as _;
    let plain = plain_chain(&error);
    let report = miette::Report::new(error);
    let mut text = String::new();
    if write!(text, "{report:?}").is_err() {
        text = plain;
    }
    // As `eprintln!` wrote it before: one more line break after miette's own.
    text.push('\n');
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// `Error: message` and one `caused by:` line per source, with no rendering that could fail.
fn plain_chain(error: &dyn std::error::Error) -> String {
    let mut text = format!("Error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!("\n  caused by: {cause}"));
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader is gone after `room` bytes.
    struct Pipe {
        room: usize,
        written: Vec<u8>,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from(io::ErrorKind::BrokenPipe));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.written
                .extend_from_slice(buf.get(..n).unwrap_or_default());
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_absorbed_and_stays_closed() {
        let mut out = Stdout::new(Pipe {
            room: 4,
            written: Vec::new(),
        });
        out.write_all(b"first line\n").unwrap();
        assert!(out.reader_gone());
        writeln!(out, "more").unwrap();
        out.flush().unwrap();
        assert_eq!(out.inner.written, b"firs");
    }

    #[test]
    fn other_write_errors_are_returned() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(io::ErrorKind::StorageFull))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut out = Stdout::new(Full);
        let error = out.write_all(b"x").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::StorageFull);
        assert!(!out.reader_gone());
    }

    /// A diagnostic whose label points past the end of its source: miette cannot render it.
    #[derive(Debug, thiserror::Error, miette::Diagnostic)]
    #[error("bad label")]
    #[diagnostic(code(test::bad_label))]
    struct BadLabel {
        #[source_code]
        source_code: String,
        #[label("here")]
        span: miette::SourceSpan,
        #[source]
        cause: io::Error,
    }

    #[test]
    fn a_diagnostic_that_cannot_render_is_still_written_plainly() {
        let error = BadLabel {
            source_code: "short".into(),
            span: (1000, 5).into(),
            cause: io::Error::other("the cause"),
        };
        let mut stderr = Vec::new();
        write_diagnostic(error, &mut stderr);
        let text = String::from_utf8(stderr).unwrap();
        assert!(text.contains("bad label"), "{text}");
    }

    #[test]
    fn a_closed_standard_error_is_ignored() {
        let mut gone = Pipe {
            room: 0,
            written: Vec::new(),
        };
        write_diagnostic(
            BadLabel {
                source_code: "short".into(),
                span: (0, 1).into(),
                cause: io::Error::other("x"),
            },
            &mut gone,
        );
        assert!(gone.written.is_empty());
    }

    #[test]
    fn the_plain_chain_names_every_cause() {
        let error = BadLabel {
            source_code: String::new(),
            span: (0, 0).into(),
            cause: io::Error::other("the cause"),
        };
        assert_eq!(
            plain_chain(&error),
            "Error: bad label\n  caused by: the cause"
        );
    }
}
