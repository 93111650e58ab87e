//! Cutting delimited text into chunks of whole records, so that chunks can be decoded and parsed
//! on several threads and still give exactly what one sequential parser gives.
//!
//! A chunk may only end where the `csv` crate's parser would end a record, which depends on
//! quoting: a line break inside a quoted field is data. The finder below follows the quote
//! states of `csv-core`'s reader (default settings: `"` quotes, doubled to escape, no escape
//! character, no comments; `\r`, `\n` and `\r\n` end records) but only stops at quotes and line
//! breaks, found with `memchr`:
//!
//! - outside quotes, a `"` opens a quoted field only at the start of a field (first byte of the
//!   record, or right after a delimiter); elsewhere it is a literal (`csv-core`'s `InField`);
//! - inside quotes, `""` is an escaped quote and any other `"` closes the field;
//! - outside quotes, `\n`, `\r` or `\r\n` end the record.
//!
//! Chunks are cut after a fixed number of record terminators, independent of the number of
//! threads, so the batches a reader yields are the same whatever the thread count.
//!
//! The finder looks at raw bytes, so it also works on encodings in which `"`, `\r`, `\n` and the
//! delimiter never occur inside a multi-byte character (UTF-8, and GB18030 for delimiters
//! outside its trail-byte ranges: see [`raw_split_is_safe`]).

use std::io::{self, Read};

use memchr::{memchr, memchr_iter, memchr2};

use crate::decode::TextEncoding;

/// Bytes asked of the source per read.
const READ_BLOCK: usize = 256 * 1024;

/// Whole records cut from the input, with the line number they start on.
#[derive(Debug)]
pub(crate) struct Chunk {
    /// The bytes, ending at a record terminator (or at the end of the input).
    pub(crate) bytes: Vec<u8>,
    /// The 1-based line of the first byte.
    pub(crate) first_line: u64,
}

/// Cuts a byte stream into [`Chunk`]s of whole records.
#[derive(Debug)]
pub(crate) struct Splitter<R> {
    source: R,
    buf: Vec<u8>,
    delimiter: u8,
    /// How far `buf` has been scanned, and the quote state there.
    pos: usize,
    quoted: bool,
    /// Record terminators seen in `buf` so far.
    terminators: usize,
    eof: bool,
    /// The line `buf` starts on.
    line: u64,
}

impl<R: Read> Splitter<R> {
    /// A splitter over `source`, which starts at the start of a record on line `first_line`.
    pub(crate) fn new(source: R, delimiter: u8, first_line: u64) -> Self {
        Self {
            source,
            buf: Vec::new(),
            delimiter,
            pos: 0,
            quoted: false,
            terminators: 0,
            eof: false,
            line: first_line,
        }
    }

    /// The next chunk of at most `terminators` record terminators (the last chunk ends at the
    /// end of the input), or `None` once the input is exhausted.
    pub(crate) fn next_chunk(&mut self, terminators: usize) -> io::Result<Option<Chunk>> {
        let wanted = terminators.max(1);
        loop {
            if let Some(end) = self.scan(wanted) {
                return Ok(Some(self.cut(end)));
            }
            if self.eof {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                let end = self.buf.len();
                return Ok(Some(self.cut(end)));
            }
            self.fill()?;
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        let len = self.buf.len();
        self.buf.resize(len + READ_BLOCK, 0);
        loop {
            let target = self.buf.get_mut(len..).unwrap_or_default();
            match self.source.read(target) {
                Ok(n) => {
                    self.buf.truncate(len + n);
                    self.eof = n == 0;
                    return Ok(());
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    self.buf.truncate(len);
                    return Err(error);
                }
            }
        }
    }

    fn cut(&mut self, end: usize) -> Chunk {
        let rest = self.buf.split_off(end.min(self.buf.len()));
        let bytes = std::mem::replace(&mut self.buf, rest);
        let first_line = self.line;
        self.line += memchr_iter(b'\n', &bytes).count() as u64;
        self.pos = 0;
        self.quoted = false;
        self.terminators = 0;
        Chunk { bytes, first_line }
    }

    /// The end of the `wanted`-th record terminator outside quotes, if the buffer holds it.
    /// Resumes where the last call stopped.
    fn scan(&mut self, wanted: usize) -> Option<usize> {
        let buf = &self.buf;
        loop {
            let rest = buf.get(self.pos..).unwrap_or_default();
            if self.quoted {
                let Some(offset) = memchr(b'"', rest) else {
                    self.pos = buf.len();
                    return None;
                };
                let quote = self.pos + offset;
                match buf.get(quote + 1) {
                    // Whether the quote closes the field depends on the next byte.
                    None => {
                        self.pos = quote;
                        return None;
                    }
                    Some(b'"') => self.pos = quote + 2,
                    Some(_) => {
                        self.pos = quote + 1;
                        self.quoted = false;
                    }
                }
                continue;
            }
            let quote = memchr(b'"', rest).map(|offset| self.pos + offset);
            let unquoted_end = quote.unwrap_or(buf.len());
            while let Some(offset) = buf
                .get(self.pos..unquoted_end)
                .and_then(|region| memchr2(b'\n', b'\r', region))
            {
                let at = self.pos + offset;
                let end = if buf.get(at) == Some(&b'\r') {
                    match buf.get(at + 1) {
                        Some(b'\n') => at + 2,
                        Some(_) => at + 1,
                        None if self.eof => at + 1,
                        // `\r` may be the first half of `\r\n`.
                        None => {
                            self.pos = at;
                            return None;
                        }
                    }
                } else {
                    at + 1
                };
                self.pos = end;
                self.terminators += 1;
                if self.terminators >= wanted {
                    return Some(end);
                }
            }
            let Some(quote) = quote else {
                self.pos = buf.len();
                return None;
            };
            let delimiter = self.delimiter;
            let field_start = quote == 0
                || quote
                    .checked_sub(1)
                    .and_then(|before| buf.get(before))
                    .is_some_and(|&b| b == delimiter || b == b'\n' || b == b'\r');
            self.pos = quote + 1;
            self.quoted = field_start;
        }
    }
}

/// Whether chunks of text in `encoding` can be cut on raw bytes: true when `"`, `\r`, `\n`
/// and `delimiter` can never be part of a multi-byte character.
///
/// UTF-8 continuation bytes are all ≥ 0x80. GB18030 (and GBK, decoded as GB18030) trail bytes
/// are 0x30–0x39 (second byte of a four-byte sequence), 0x40–0x7E and 0x80–0xFE (GB 18030-2005
/// §5; WHATWG Encoding Standard, gb18030 decoder), so `,` `;` tab and `"` are safe and `|` is
/// not. Other encodings (UTF-16, ...) are decoded before cutting.
pub(crate) fn raw_split_is_safe(encoding: TextEncoding, delimiter: u8) -> bool {
    if encoding == TextEncoding::UTF_8 {
        return delimiter < 0x80;
    }
    let gb = encoding.encoding() == encoding_rs::GB18030 || encoding.encoding() == encoding_rs::GBK;
    gb && !matches!(delimiter, 0x30..=0x39 | 0x40..=0x7e | 0x80..=0xff)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every chunk of `text` cut every `n` terminators, read `block` bytes at a time.
    fn chunks(text: &[u8], n: usize, block: usize) -> Vec<(String, u64)> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let k = self.0.len().min(self.1).min(buf.len());
                buf[..k].copy_from_slice(&self.0[..k]);
                self.0 = &self.0[k..];
                Ok(k)
            }
        }
        let mut splitter = Splitter::new(Trickle(text, block), b',', 1);
        let mut out = Vec::new();
        while let Some(chunk) = splitter.next_chunk(n).unwrap() {
            out.push((String::from_utf8(chunk.bytes).unwrap(), chunk.first_line));
        }
        out
    }

    /// Records as the `csv` crate parses them.
    fn records(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        reader
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    #[test]
    fn cuts_after_whole_records_only() {
        let text = b"a,b\n\"x\ny\",1\r\n\"q\"\"\n\",2\rz\"w\n,3\n";
        for block in 1..8 {
            let got = chunks(text, 1, block);
            let cut: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
            assert_eq!(
                cut,
                [
                    "a,b\n",
                    "\"x\ny\",1\r\n",
                    "\"q\"\"\n\",2\r",
                    "z\"w\n",
                    ",3\n"
                ],
                "block {block}"
            );
            let lines: Vec<u64> = got.iter().map(|(_, l)| *l).collect();
            assert_eq!(lines, [1, 2, 4, 5, 6]);
        }
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_a_literal() {
        // `csv-core` reads `ab"c` as one field, so the line break ends the record.
        let text = b"ab\"c,d\ne,f\n";
        assert_eq!(chunks(text, 1, 64).len(), 2);
        assert_eq!(records(text).len(), 2);
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end() {
        assert_eq!(chunks(b"a\n\"b\nc\nd\n", 1, 3).len(), 2);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Parsing chunk by chunk gives exactly the records of parsing the whole input, for
            /// any mix of quotes, delimiters and line breaks, chunk size and read size.
            #[test]
            fn chunked_parse_equals_whole_parse(
                text in proptest::collection::vec(
                    prop_oneof![
                        Just(b'"'), Just(b','), Just(b'\n'), Just(b'\r'), Just(b'a'), Just(b'b')
                    ],
                    0..80,
                ),
                n in 1usize..5,
                block in 1usize..9,
            ) {
                let whole = records(&text);
                let mut pieces = Vec::new();
                let mut joined = Vec::new();
                for (chunk, _) in chunks(&text, n, block) {
                    joined.extend_from_slice(chunk.as_bytes());
                    pieces.extend(records(chunk.as_bytes()));
                }
                prop_assert_eq!(&joined, &text);
                prop_assert_eq!(pieces, whole);
            }
        }
    }
}
