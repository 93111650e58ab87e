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

use std::io::Write;

use comfy_table::{ContentArrangement, Table, presets};
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

/// An empty table in the one style of every table the commands print. A fixed layout keeps the
/// output identical on every terminal and in pipes.
pub(crate) fn table() -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    table
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
