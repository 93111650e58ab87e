//! CSV and TSV: encoding detection (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030/GBK),
//! delimiter sniffing, and streaming into string batches with ragged rows reported by line.
//!
//! The input is cut into chunks of `batch_rows` whole records ([`crate::split`]); each chunk is
//! decoded (GB18030), parsed and turned into one batch, on the calling thread or, with
//! [`ReadOptions::threads`] above 1, on that many parse threads while the calling thread reads
//! and cuts ahead. Batches come out in file order and are the same whatever the thread count;
//! the first error in file order (decoding, ragged row) is the one reported, with its line.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::columns::{Columns, string_schema};
use crate::decode::{self, CountingReader, DecodingReader, Malformed, TextEncoding};
use crate::error::{Location, ReadError, ReadErrorKind};
use crate::split::{Chunk, Splitter, raw_split_is_safe};
use crate::{BatchReader, Format, ReadOptions, SourceInfo};

/// A CSV source being read.
pub(crate) struct CsvReader {
    name: String,
    schema: SchemaRef,
    info: SourceInfo,
    consumed: Arc<AtomicU64>,
    splitter: Splitter<Box<dyn Read + Send>>,
    parser: Arc<ChunkParser>,
    batch_rows: usize,
    pool: Option<Pool>,
    /// Without a header row: the chunk holding the first record, read first.
    pending: Option<Chunk>,
    done: bool,
}

impl std::fmt::Debug for CsvReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvReader")
            .field("name", &self.name)
            .field("info", &self.info)
            .field("threads", &self.pool.as_ref().map_or(1, |p| p.threads))
            .finish_non_exhaustive()
    }
}

/// A chunk parsed: its batch, nothing (blank lines only), or the first error in it.
type Parsed = Result<Option<RecordBatch>, ReadError>;

/// Decodes and parses chunks; shared by the parse threads.
#[derive(Debug)]
struct ChunkParser {
    name: String,
    schema: SchemaRef,
    delimiter: u8,
    /// Chunks are raw bytes in this encoding, decoded here; `None` when they are UTF-8.
    decode: Option<TextEncoding>,
    /// The input's encoding, for error messages.
    encoding: &'static str,
}

impl ChunkParser {
    fn reader<'a>(&self, text: &'a [u8]) -> csv::Reader<&'a [u8]> {
        csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(64 * 1024)
            .from_reader(text)
    }

    /// The chunk as UTF-8 and, if it holds an invalid byte, the line of that byte (the text
    /// then stops before that line).
    fn text<'a>(&self, chunk: &'a Chunk) -> (Cow<'a, [u8]>, Option<u64>) {
        match self.decode {
            None => (Cow::Borrowed(chunk.bytes.as_slice()), None),
            Some(encoding) => match decode::decode_chunk(&chunk.bytes, encoding) {
                Ok(text) => (Cow::Owned(text), None),
                Err((text, line)) => (Cow::Owned(text), Some(chunk.first_line + line - 1)),
            },
        }
    }

    fn encoding_error(&self, line: u64) -> ReadError {
        ReadError::new(
            &self.name,
            Location::Line(line),
            ReadErrorKind::Encoding(self.encoding),
        )
    }

    /// The next record of the input, skipping blank lines, as text fields, with the chunk that
    /// holds it.
    fn first_record(
        &self,
        splitter: &mut Splitter<impl Read>,
    ) -> Result<(Vec<String>, Chunk), ReadError> {
        loop {
            let Some(chunk) = splitter
                .next_chunk(1)
                .map_err(|e| io_error(&self.name, e))?
            else {
                return Err(ReadError::new(
                    &self.name,
                    Location::Whole,
                    ReadErrorKind::Empty,
                ));
            };
            let (text, malformed) = self.text(&chunk);
            let mut reader = self.reader(&text);
            let mut record = csv::ByteRecord::new();
            let found = reader
                .read_byte_record(&mut record)
                .map_err(|e| csv_error(&self.name, e, chunk.first_line, self.encoding))?;
            if found {
                let line =
                    chunk.first_line + record.position().map_or(1, csv::Position::line).max(1) - 1;
                let fields = record
                    .iter()
                    .map(|field| {
                        std::str::from_utf8(field)
                            .map(str::to_owned)
                            .map_err(|_| self.encoding_error(line))
                    })
                    .collect::<Result<Vec<String>, ReadError>>()?;
                return Ok((fields, chunk));
            }
            if let Some(line) = malformed {
                return Err(self.encoding_error(line));
            }
        }
    }

    /// One chunk as one batch.
    fn parse(&self, chunk: &Chunk) -> Parsed {
        let (text, malformed) = self.text(chunk);
        let mut reader = self.reader(&text);
        let width = self.schema.fields().len();
        let mut columns = Columns::new(Arc::clone(&self.schema));
        let mut record = csv::StringRecord::new();
        loop {
            // `StringRecord` validates UTF-8 once per record.
            let more = reader
                .read_record(&mut record)
                .map_err(|e| csv_error(&self.name, e, chunk.first_line, self.encoding))?;
            if !more {
                break;
            }
            if record.len() != width {
                let line =
                    chunk.first_line + record.position().map_or(1, csv::Position::line).max(1) - 1;
                return Err(ReadError::new(
                    &self.name,
                    Location::Line(line),
                    ReadErrorKind::Ragged {
                        expected: width,
                        found: record.len(),
                    },
                ));
            }
            for (column, value) in record.iter().enumerate() {
                columns.push(column, Some(value));
            }
            columns.end_row();
        }
        if let Some(line) = malformed {
            return Err(self.encoding_error(line));
        }
        if columns.rows() == 0 {
            return Ok(None);
        }
        columns.flush().map(Some).map_err(|e| {
            ReadError::new(
                &self.name,
                Location::Whole,
                ReadErrorKind::Arrow(e.to_string()),
            )
        })
    }
}

/// Parse threads, fed chunks in order and handing back batches that are put back in order.
#[derive(Debug)]
struct Pool {
    threads: usize,
    jobs: mpsc::Sender<(u64, Chunk)>,
    results: mpsc::Receiver<(u64, Parsed)>,
    /// Results received ahead of their turn.
    ready: BTreeMap<u64, Parsed>,
    /// The next chunk to send, and the next to yield.
    sent: u64,
    taken: u64,
    /// Chunks sent and not yet yielded, at most: bounds memory.
    window: u64,
    exhausted: bool,
}

impl Pool {
    /// Starts up to `threads` parse threads; `None` if none could be started.
    fn start(threads: usize, parser: &Arc<ChunkParser>) -> Option<Self> {
        let (jobs, job_receiver) = mpsc::channel::<(u64, Chunk)>();
        let (result_sender, results) = mpsc::channel();
        let job_receiver = Arc::new(Mutex::new(job_receiver));
        let mut started = 0;
        for i in 0..threads {
            let parser = Arc::clone(parser);
            let job_receiver = Arc::clone(&job_receiver);
            let result_sender = result_sender.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("freeport-read-{i}"))
                .spawn(move || parse_thread(&parser, &job_receiver, &result_sender));
            if spawned.is_ok() {
                started += 1;
            }
        }
        (started > 0).then(|| Self {
            threads: started,
            jobs,
            results,
            ready: BTreeMap::new(),
            sent: 0,
            taken: 0,
            window: 2 * started as u64 + 2,
            exhausted: false,
        })
    }

    fn next(
        &mut self,
        splitter: &mut Splitter<Box<dyn Read + Send>>,
        batch_rows: usize,
        name: &str,
    ) -> Parsed {
        let stopped = || {
            ReadError::new(
                name,
                Location::Whole,
                ReadErrorKind::Io(io::Error::other("a csv parse thread stopped")),
            )
        };
        loop {
            while !self.exhausted && self.sent - self.taken < self.window {
                match splitter.next_chunk(batch_rows) {
                    Ok(Some(chunk)) => {
                        self.jobs.send((self.sent, chunk)).map_err(|_| stopped())?;
                        self.sent += 1;
                    }
                    Ok(None) => self.exhausted = true,
                    Err(error) => {
                        // Reported in its turn, after the chunks before it.
                        self.ready.insert(self.sent, Err(io_error(name, error)));
                        self.sent += 1;
                        self.exhausted = true;
                    }
                }
            }
            if let Some(parsed) = self.ready.remove(&self.taken) {
                self.taken += 1;
                match parsed? {
                    Some(batch) => return Ok(Some(batch)),
                    None => continue,
                }
            }
            if self.taken >= self.sent {
                return Ok(None);
            }
            let (seq, parsed) = self.results.recv().map_err(|_| stopped())?;
            self.ready.insert(seq, parsed);
        }
    }
}

/// A parse thread: takes chunks until the reader is dropped.
fn parse_thread(
    parser: &ChunkParser,
    jobs: &Mutex<mpsc::Receiver<(u64, Chunk)>>,
    results: &mpsc::Sender<(u64, Parsed)>,
) {
    loop {
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok((seq, chunk)) = job else { return };
        if results.send((seq, parser.parse(&chunk))).is_err() {
            return;
        }
    }
}

/// Candidate delimiters, in order of preference on a tie.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// The delimiter that splits the first lines of `sample` into the same number of fields,
/// most fields first; `,` when nothing is consistent.
pub(crate) fn sniff_delimiter(sample: &[u8]) -> u8 {
    let mut best = (b',', 0usize, false);
    for delimiter in DELIMITERS {
        let counts = field_counts(sample, delimiter);
        let Some(&first) = counts.first() else {
            continue;
        };
        let consistent = counts.iter().all(|&c| c == first);
        let better = match (consistent, best.2) {
            (true, false) => first > 0,
            (false, true) => false,
            _ => first > best.1,
        };
        if better && first > 0 {
            best = (delimiter, first, consistent);
        }
    }
    best.0
}

/// Delimiters per line outside double quotes, for up to 20 complete lines.
fn field_counts(sample: &[u8], delimiter: u8) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut in_quotes = false;
    let mut count = 0;
    for &b in sample {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                counts.push(count);
                count = 0;
                if counts.len() == 20 {
                    break;
                }
            }
            _ if b == delimiter && !in_quotes => count += 1,
            _ => {}
        }
    }
    if counts.is_empty() {
        counts.push(count);
    }
    counts
}

impl CsvReader {
    pub(crate) fn new(
        name: String,
        mut source: Box<dyn Read + Send>,
        format: Format,
        options: &ReadOptions,
    ) -> Result<Self, ReadError> {
        let io_failure =
            |e: io::Error| ReadError::new(&name, Location::Whole, ReadErrorKind::Io(e));
        let mut prefix = Vec::with_capacity(decode::SNIFF_BYTES);
        (&mut source)
            .take(decode::SNIFF_BYTES as u64)
            .read_to_end(&mut prefix)
            .map_err(io_failure)?;
        let whole_file = prefix.len() < decode::SNIFF_BYTES;
        let (detected, bom) = decode::detect(&prefix, whole_file);
        let encoding = options.encoding.unwrap_or(detected);
        // Drop a BOM only when it belongs to the encoding being decoded.
        let bom = if encoding == detected { bom } else { 0 };
        let consumed = Arc::new(AtomicU64::new(prefix.len() as u64));
        let body = prefix.split_off(bom.min(prefix.len()));
        let delimiter = options.delimiter.unwrap_or(match format {
            Format::Tsv => b'\t',
            _ => sniff_delimiter(&body),
        });
        let rest = CountingReader::new(source, Arc::clone(&consumed));
        let raw = Cursor::new(body).chain(rest);
        // Decode on the parse threads when chunks can be cut on raw bytes; otherwise (UTF-16,
        // or a delimiter that can hide inside a GB18030 character) decode before cutting.
        let (text, decode): (Box<dyn Read + Send>, _) = if encoding == TextEncoding::UTF_8 {
            (Box::new(raw), None)
        } else if raw_split_is_safe(encoding, delimiter) {
            (Box::new(raw), Some(encoding))
        } else {
            (Box::new(DecodingReader::new(raw, encoding)), None)
        };
        let mut splitter = Splitter::new(text, delimiter, 1);
        let info = SourceInfo {
            format,
            encoding: Some(encoding.name()),
            delimiter: Some(char::from(delimiter)),
        };
        let mut parser = ChunkParser {
            name: name.clone(),
            schema: string_schema::<&str>(&[]),
            delimiter,
            decode,
            encoding: encoding.name(),
        };
        for _ in 0..options.skip_rows {
            parser.first_record(&mut splitter)?;
        }
        let (first, chunk) = parser.first_record(&mut splitter)?;
        let (names, pending) = if options.header {
            (first, None)
        } else {
            (
                (1..=first.len()).map(|i| format!("column_{i}")).collect(),
                Some(chunk),
            )
        };
        let schema = string_schema(&names);
        parser.schema = Arc::clone(&schema);
        let parser = Arc::new(parser);
        let pool = if options.threads > 1 {
            Pool::start(options.threads, &parser)
        } else {
            None
        };
        Ok(Self {
            name,
            schema,
            info,
            consumed,
            splitter,
            parser,
            batch_rows: options.batch_rows.max(1),
            pool,
            pending,
            done: false,
        })
    }

    fn next_inline(&mut self) -> Parsed {
        loop {
            let chunk = self
                .splitter
                .next_chunk(self.batch_rows)
                .map_err(|e| io_error(&self.name, e))?;
            let Some(chunk) = chunk else {
                return Ok(None);
            };
            if let Some(batch) = self.parser.parse(&chunk)? {
                return Ok(Some(batch));
            }
        }
    }
}

/// An I/O error as a read error, unwrapping decoding failures carried through `io::Error`.
fn io_error(name: &str, io: io::Error) -> ReadError {
    if let Some(malformed) = io.get_ref().and_then(|e| e.downcast_ref::<Malformed>()) {
        return ReadError::new(
            name,
            Location::Line(malformed.line),
            ReadErrorKind::Encoding(malformed.encoding),
        );
    }
    ReadError::new(name, Location::Whole, ReadErrorKind::Io(io))
}

/// A `csv::Error` from parsing a chunk starting on `first_line` as a read error.
fn csv_error(name: &str, error: csv::Error, first_line: u64, encoding: &'static str) -> ReadError {
    let line = first_line + error.position().map_or(1, csv::Position::line).max(1) - 1;
    match error.into_kind() {
        csv::ErrorKind::Io(io) => io_error(name, io),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ReadError::new(
            name,
            Location::Line(line),
            ReadErrorKind::Ragged {
                expected: usize::try_from(expected_len).unwrap_or(usize::MAX),
                found: usize::try_from(len).unwrap_or(usize::MAX),
            },
        ),
        // Only text that was UTF-8 to begin with reaches the parser unvalidated.
        csv::ErrorKind::Utf8 { .. } => ReadError::new(
            name,
            Location::Line(line),
            ReadErrorKind::Encoding(encoding),
        ),
        other => ReadError::new(
            name,
            Location::Line(line),
            ReadErrorKind::Io(io::Error::other(format!("{other:?}"))),
        ),
    }
}

impl BatchReader for CsvReader {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn info(&self) -> SourceInfo {
        self.info
    }

    fn bytes_read(&self) -> Option<u64> {
        Some(self.consumed.load(Ordering::Relaxed))
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, ReadError> {
        if self.done {
            return Ok(None);
        }
        if let Some(chunk) = self.pending.take() {
            match self.parser.parse(&chunk) {
                Ok(None) => {}
                Ok(Some(batch)) => return Ok(Some(batch)),
                Err(error) => {
                    self.done = true;
                    return Err(error);
                }
            }
        }
        let next = match self.pool.as_mut() {
            Some(pool) => pool.next(&mut self.splitter, self.batch_rows, &self.name),
            None => self.next_inline(),
        };
        if !matches!(next, Ok(Some(_))) {
            self.done = true;
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a;b\n1;2\n"), b';');
        assert_eq!(sniff_delimiter(b"a|b\n1|2\n"), b'|');
        // Commas inside quotes do not count.
        assert_eq!(sniff_delimiter(b"a;b\n\"1,5\";2\n\"x,y,z\";3\n"), b';');
        assert_eq!(sniff_delimiter(b"single\ncolumn\n"), b',');
    }
}
