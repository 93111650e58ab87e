//! The presentation layer: how every command puts its result on standard output.
//!
//! A command computes a value that implements [`Render`] — its form for people (tables and lines
//! of text) and its form for programs (one JSON document) — and hands it to [`render`] with the
//! `--format` asked for; no command matches on the format itself. Adding an output format (SARIF
//! for scans, CSV for histories) is one variant of `freeport_cli::Format`, one method of
//! [`Render`] (provided, refusing with a usage error, so the commands without that form need
//! nothing) and one arm of [`render`]; the results that have that form override the method.
//!
//! The formatting helpers live here too: [`table`] (the one table style), [`write_json`] (the one
//! JSON layout), and [`thousands`] and [`hex`] from `freeport_util::fmt`, shared with the
//! engines.

use std::io::{IsTerminal as _, Write};
use std::sync::OnceLock;

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use freeport_cli::Format;
use serde::Serialize;

use crate::Error;

pub(crate) use freeport_util::fmt::{hex, thousands};

/// A command's result, in each form it can be shown.
pub(crate) trait Render {
    /// The form for people: tables and lines of text.
    ///
    /// # Errors
    ///
    /// Writing failed.
    fn table(&self, out: &mut dyn Write) -> Result<(), Error>;

    /// The form for programs: one JSON document with a stable, documented shape.
    ///
    /// # Errors
    ///
    /// Writing or serialising failed.
    fn json(&self, out: &mut dyn Write) -> Result<(), Error>;
}

/// Writes `value` to `out` in `format`.
///
/// # Errors
///
/// Writing or serialising failed.
pub(crate) fn render(
    out: &mut dyn Write,
    format: Format,
    value: &(impl Render + ?Sized),
) -> Result<(), Error> {
    match format {
        Format::Table => value.table(out),
        Format::Json => value.json(out),
    }
}

/// A result whose JSON form is `json` as it serialises and whose table is drawn by `table`:
/// for the commands whose two forms share no type.
pub(crate) struct Rendered<'a, J: ?Sized, T> {
    /// Serialised for `--format json`.
    pub(crate) json: &'a J,
    /// Draws the form for people.
    pub(crate) table: T,
}

impl<J, T> Render for Rendered<'_, J, T>
where
    J: Serialize + ?Sized,
    T: Fn(&mut dyn Write) -> Result<(), Error>,
{
    fn table(&self, out: &mut dyn Write) -> Result<(), Error> {
        (self.table)(out)
    }

    fn json(&self, out: &mut dyn Write) -> Result<(), Error> {
        write_json(out, self.json)
    }
}

/// JSON as every command prints it: pretty-printed, then a line break.
///
/// # Errors
///
/// Writing or serialising failed.
pub(crate) fn write_json(
    out: &mut dyn Write,
    value: &(impl Serialize + ?Sized),
) -> Result<(), Error> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// What standard output is. A terminal gets tables fitted to its width and coloured outcomes
/// (unless `NO_COLOR` is set to something, or `TERM=dumb`); anything else (a pipe, a file, a
/// test) gets the fixed layout, identical everywhere, and no escape codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    /// Columns to fit tables in; `None`: lay them out at their natural width.
    pub width: Option<u16>,
    /// Whether outcomes are coloured.
    pub color: bool,
}

impl Terminal {
    /// Standard output as this process finds it.
    #[must_use]
    pub fn detect() -> Self {
        let stdout = std::io::stdout();
        if !stdout.is_terminal() {
            return Self::default();
        }
        let width = terminal_size::terminal_size_of(&stdout).map(|(width, _)| width.0);
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        Self {
            width,
            color: !no_color && !dumb,
        }
    }

    fn current() -> Self {
        TERMINAL.get().copied().unwrap_or_default()
    }
}

static TERMINAL: OnceLock<Terminal> = OnceLock::new();

/// Sets what standard output is, once, before a command runs (the executable calls it with
/// [`Terminal::detect`]); without it, output is laid out as for a pipe.
pub fn set_terminal(terminal: Terminal) {
    let _ = TERMINAL.set(terminal);
}

/// An empty table in the one style of every table the commands print: fitted to the terminal's
/// width on a terminal, else at its natural width, the same on every machine and in pipes.
pub(crate) fn table() -> Table {
    table_for(Terminal::current())
}

fn table_for(terminal: Terminal) -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    match terminal.width {
        Some(width) => table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width),
        None => table.set_content_arrangement(ContentArrangement::Disabled),
    };
    if terminal.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

/// How an outcome reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    /// Blocks the transfer (red).
    Blocking,
    /// Goes ahead with obligations or review (yellow).
    Obligations,
    /// Cleared (green).
    Cleared,
}

/// A table cell for an outcome: coloured by its tone on a colour terminal, plain otherwise.
pub(crate) fn outcome_cell(text: impl Into<String>, tone: Tone) -> Cell {
    let cell = Cell::new(text.into());
    if !Terminal::current().color {
        return cell;
    }
    cell.fg(match tone {
        Tone::Blocking => Color::Red,
        Tone::Obligations => Color::Yellow,
        Tone::Cleared => Color::Green,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Answer(u64);

    impl Render for Answer {
        fn table(&self, out: &mut dyn Write) -> Result<(), Error> {
            writeln!(out, "answer: {}", thousands(self.0))?;
            Ok(())
        }

        fn json(&self, out: &mut dyn Write) -> Result<(), Error> {
            write_json(out, &serde_json::json!({ "answer": self.0 }))
        }
    }

    fn shown(format: Format, value: &dyn Render) -> String {
        let mut out = Vec::new();
        render(&mut out, format, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn each_format_picks_its_form() {
        assert_eq!(shown(Format::Table, &Answer(4_200)), "answer: 4,200\n");
        assert_eq!(
            shown(Format::Json, &Answer(4_200)),
            "{\n  \"answer\": 4200\n}\n"
        );
    }

    #[test]
    fn a_terminal_fits_tables_to_its_width_and_a_pipe_does_not() {
        let fill = |terminal: Terminal| {
            let mut table = table_for(terminal);
            table.set_header(["rule", "citation"]);
            table.add_row(["cn.one", &"a long citation ".repeat(8)]);
            table.to_string()
        };
        let piped = fill(Terminal::default());
        assert!(piped.lines().all(|l| l.chars().count() > 120), "{piped}");
        let narrow = fill(Terminal {
            width: Some(60),
            color: false,
        });
        assert!(narrow.lines().all(|l| l.chars().count() <= 60), "{narrow}");
        assert!(!narrow.contains('\u{1b}'), "no colour asked: {narrow}");
    }

    #[test]
    fn a_rendered_pair_serialises_its_value_and_draws_its_table() {
        let value = vec!["a", "b"];
        let rendered = Rendered {
            json: &value,
            table: |out: &mut dyn Write| -> Result<(), Error> {
                writeln!(out, "{} items", value.len())?;
                Ok(())
            },
        };
        assert_eq!(shown(Format::Table, &rendered), "2 items\n");
        assert_eq!(shown(Format::Json, &rendered), "[\n  \"a\",\n  \"b\"\n]\n");
    }
}
