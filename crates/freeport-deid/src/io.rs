//! Reading and writing delimited text. The only module that knows file formats: when the
//! shared `freeport-read` readers land, this is the one place to switch to Arrow input and
//! Parquet/JSONL output.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read};
use std::path::Path;

use crate::error::{Error, Result};
use crate::table::{Table, TableBuilder};

/// Guesses the delimiter from the header line: the most frequent of `,`, `;` and tab
/// outside double quotes, `,` when none occurs.
#[must_use]
pub fn sniff_delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

/// A table read from delimited text, with the delimiter it used.
#[derive(Debug)]
pub struct ReadTable {
    /// The table.
    pub table: Table,
    /// The delimiter found in the header.
    pub delimiter: u8,
}

/// Reads a UTF-8 CSV/TSV file with a header line; the delimiter is sniffed from the header.
///
/// # Errors
///
/// An unreadable file, invalid UTF-8, or a row whose width differs from the header's, naming the
/// line.
pub fn read_delimited(path: &Path) -> Result<ReadTable> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut header = String::new();
    reader
        .read_line(&mut header)
        .map_err(|e| Error::io(path, e))?;
    let header_trimmed = header.trim_start_matches('\u{feff}');
    let delimiter = sniff_delimiter(header_trimmed);
    let chain = std::io::Cursor::new(header_trimmed.as_bytes().to_vec()).chain(reader);
    read_from(chain, delimiter, path)
}

fn read_from(input: impl Read, delimiter: u8, path: &Path) -> Result<ReadTable> {
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let names: Vec<String> = csv
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if names.is_empty() || names.iter().all(String::is_empty) {
        return Err(Error::input(
            format!("`{}` has no header line", path.display()),
            Some("the first line must name the columns".into()),
        ));
    }
    let width = names.len();
    let mut builder = TableBuilder::new(names);
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.len() == 1 && record.get(0) == Some("") {
                    continue; // blank line
                }
                if record.len() != width {
                    let line = record.position().map_or(0, csv::Position::line);
                    return Err(Error::input(
                        format!(
                            "line {line} of `{}` has {} fields, the header has {width}",
                            path.display(),
                            record.len()
                        ),
                        None,
                    ));
                }
                builder.push(record.iter());
            }
            Err(e) => return Err(csv_error(path, &e)),
        }
    }
    Ok(ReadTable {
        table: builder.finish(),
        delimiter,
    })
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8".to_owned(),
        csv::ErrorKind::Io(io) => format!("cannot be read ({io})"),
        _ => "is not well-formed delimited text".to_owned(),
    };
    Error::input(format!("line {line} of `{}` {what}", path.display()), None)
}

/// Writes rows to `path` atomically: into a temporary file beside it, then renamed, so a failed
/// run never leaves a half-written output.
///
/// # Errors
///
/// Any I/O error; the temporary file is removed.
pub fn write_delimited<'a, I, R>(path: &Path, delimiter: u8, header: &[&str], rows: I) -> Result<()>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = &'a str>,
{
    write_atomically(path, |w| {
        let mut csv = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(w);
        csv.write_record(header)?;
        for row in rows {
            csv.write_record(row)?;
        }
        csv.flush()?;
        Ok(())
    })
}

/// Writes a file through `write` into a temporary sibling, then renames it over `path`.
///
/// # Errors
///
/// Any I/O error; the temporary file is removed.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let file = File::create(&tmp)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        write(&mut w)?;
        let file = w
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ignored = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_three_delimiters() {
        assert_eq!(sniff_delimiter("a,b,c"), b',');
        assert_eq!(sniff_delimiter("a;b;c"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("\"a;x\",b,c"), b',');
        assert_eq!(sniff_delimiter("single"), b',');
    }

    #[test]
    fn reads_and_rejects_ragged_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(&p, "a;b\n1;2\n3;4\n").unwrap();
        let t = read_delimited(&p).unwrap();
        assert_eq!(t.delimiter, b';');
        assert_eq!(t.table.rows, 2);
        std::fs::write(&p, "a;b\n1;2\n3\n").unwrap();
        let e = read_delimited(&p).unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn atomic_write_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.csv");
        write_delimited(&p, b',', &["x"], [["1"], ["2"]]).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "x\n1\n2\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
