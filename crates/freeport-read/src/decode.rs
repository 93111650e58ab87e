//! Text encodings: detection from a file's first bytes, and a streaming decoder to UTF-8 that
//! stops at the first invalid byte instead of replacing it.
//!
//! Chinese spreadsheet exports are often GBK/GB18030; decoding in fixed-size chunks must carry a
//! multi-byte character split across a chunk boundary over to the next chunk, which
//! `encoding_rs::Decoder` does when it is fed with `last = false`.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs::{DecoderResult, Encoding};

/// A text encoding, named by a WHATWG label (`utf-8`, `gbk`, `gb18030`, `utf-16le`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextEncoding(&'static Encoding);

impl TextEncoding {
    /// UTF-8.
    pub const UTF_8: Self = Self(encoding_rs::UTF_8);
    /// GB18030, a superset of GBK and GB2312.
    pub const GB18030: Self = Self(encoding_rs::GB18030);

    /// The encoding a WHATWG label names, if any (`gbk` decodes as GB18030, a superset).
    #[must_use]
    pub fn from_label(label: &str) -> Option<Self> {
        Encoding::for_label(label.trim().as_bytes()).map(Self)
    }

    /// Its canonical name, e.g. `UTF-8` or `gb18030`.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    pub(crate) const fn encoding(self) -> &'static Encoding {
        self.0
    }
}

/// How many bytes the detector looks at.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

/// The encoding of a file from its first bytes, and the length of its byte-order mark.
///
/// A BOM decides; otherwise valid UTF-8 (allowing a character cut at the end of the sample) is
/// UTF-8, and anything else is taken as GB18030, the encoding of Chinese Excel exports — unless
/// the sample holds fewer invalid sequences as UTF-8 than as GB18030: a UTF-8 file with one
/// stray byte is UTF-8 with one bad byte (reported on its line), not GB18030 that fails on the
/// first Chinese character.
pub(crate) fn detect(prefix: &[u8], whole_file: bool) -> (TextEncoding, usize) {
    if let Some((encoding, bom)) = Encoding::for_bom(prefix) {
        return (TextEncoding(encoding), bom);
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => (TextEncoding::UTF_8, 0),
        Err(error) if error.error_len().is_none() && !whole_file => (TextEncoding::UTF_8, 0),
        Err(_) if utf8_errors(prefix, whole_file) <= gb18030_errors(prefix, whole_file) => {
            (TextEncoding::UTF_8, 0)
        }
        Err(_) => (TextEncoding::GB18030, 0),
    }
}

/// Invalid sequences in `bytes` read as UTF-8 (a character cut by the end of a sample is not
/// one; at the end of the whole file it is).
fn utf8_errors(mut bytes: &[u8], whole_file: bool) -> usize {
    let mut errors = 0;
    loop {
        match std::str::from_utf8(bytes) {
            Ok(_) => return errors,
            Err(error) => match error.error_len() {
                None => return errors + usize::from(whole_file),
                Some(len) => {
                    errors += 1;
                    bytes = bytes.get(error.valid_up_to() + len..).unwrap_or_default();
                }
            },
        }
    }
}

/// Malformed sequences in `bytes` read as GB18030.
fn gb18030_errors(bytes: &[u8], whole_file: bool) -> usize {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = vec![0u8; 16 * 1024];
    let (mut read, mut errors) = (0, 0);
    loop {
        let source = bytes.get(read..).unwrap_or_default();
        let (result, r, _) =
            decoder.decode_to_utf8_without_replacement(source, &mut out, whole_file);
        read += r;
        match result {
            DecoderResult::InputEmpty => return errors,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(_, _) => errors += 1,
        }
    }
}

/// The 1-based line of an invalid byte, carried inside an `io::Error` through the CSV parser.
#[derive(Debug, thiserror::Error)]
#[error("invalid {encoding} at line {line}")]
pub(crate) struct Malformed {
    pub(crate) encoding: &'static str,
    pub(crate) line: u64,
}

/// Decodes `inner` from a non-UTF-8 encoding into UTF-8, chunk by chunk, in bounded memory.
pub(crate) struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: &'static str,
    input: Vec<u8>,
    input_start: usize,
    input_end: usize,
    output: Vec<u8>,
    output_start: usize,
    output_end: usize,
    eof: bool,
    finished: bool,
    newlines: u64,
}

const CHUNK: usize = 64 * 1024;

impl<R: Read> DecodingReader<R> {
    pub(crate) fn new(inner: R, encoding: TextEncoding) -> Self {
        Self {
            inner,
            decoder: encoding.encoding().new_decoder_without_bom_handling(),
            encoding: encoding.name(),
            input: vec![0; CHUNK],
            input_start: 0,
            input_end: 0,
            // A decoder may need up to 3 bytes of UTF-8 per input byte, plus room for a
            // pending character.
            output: vec![0; CHUNK * 3 + 16],
            output_start: 0,
            output_end: 0,
            eof: false,
            finished: false,
            newlines: 0,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        while self.output_start == self.output_end && !self.finished {
            if self.input_start == self.input_end && !self.eof {
                let read = self.inner.read(&mut self.input)?;
                self.input_start = 0;
                self.input_end = read;
                self.eof = read == 0;
            }
            let source = self
                .input
                .get(self.input_start..self.input_end)
                .unwrap_or_default();
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(source, &mut self.output, self.eof);
            self.input_start += read;
            self.output_start = 0;
            self.output_end = written;
            let produced = self.output.get(..written).unwrap_or_default();
            let newlines = bytecount(produced);
            match result {
                DecoderResult::InputEmpty => {
                    if self.eof {
                        self.finished = true;
                    }
                }
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(_, _) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        Malformed {
                            encoding: self.encoding,
                            line: self.newlines + newlines + 1,
                        },
                    ));
                }
            }
            self.newlines += newlines;
        }
        Ok(())
    }
}

fn bytecount(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.fill()?;
        let available = self
            .output
            .get(self.output_start..self.output_end)
            .unwrap_or_default();
        let n = available.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.output_start += n;
        Ok(n)
    }
}

/// A whole chunk of whole lines decoded to UTF-8 at once (the parse threads decode their own
/// chunks). On an invalid byte: the text of the lines before the one holding it, and that
/// line's number counted from 1 at the start of the chunk.
pub(crate) fn decode_chunk(
    bytes: &[u8],
    encoding: TextEncoding,
) -> Result<Vec<u8>, (Vec<u8>, u64)> {
    let mut decoder = encoding.encoding().new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut out = vec![0; capacity.max(16)];
    let (mut read, mut written) = (0, 0);
    loop {
        let source = bytes.get(read..).unwrap_or_default();
        let target = out.get_mut(written..).unwrap_or_default();
        let (result, r, w) = decoder.decode_to_utf8_without_replacement(source, target, true);
        read += r;
        written += w;
        match result {
            DecoderResult::InputEmpty => {
                out.truncate(written);
                return Ok(out);
            }
            DecoderResult::OutputFull => out.resize(out.len() * 2, 0),
            DecoderResult::Malformed(_, _) => {
                out.truncate(written);
                let line = bytecount(&out) + 1;
                let keep = memchr::memrchr(b'\n', &out).map_or(0, |i| i + 1);
                out.truncate(keep);
                return Err((out, line));
            }
        }
    }
}

/// Counts the raw bytes read from a source, for progress reporting.
#[derive(Debug)]
pub(crate) struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> CountingReader<R> {
    pub(crate) fn new(inner: R, count: Arc<AtomicU64>) -> Self {
        Self { inner, count }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8], encoding: TextEncoding, chunk: usize) -> io::Result<String> {
        // A reader that hands out `chunk` bytes at a time, to split characters across reads.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = String::new();
        DecodingReader::new(Trickle(bytes, chunk), encoding).read_to_string(&mut out)?;
        Ok(out)
    }

    #[test]
    fn gbk_split_across_every_boundary_decodes() {
        let text = "姓名,身份证号\n张三,11010519491231002X\n李四,440524188001010014\n";
        let (bytes, _, had_errors) = encoding_rs::GBK.encode(text);
        assert!(!had_errors);
        for chunk in 1..8 {
            assert_eq!(
                decode_all(&bytes, TextEncoding::GB18030, chunk).unwrap(),
                text
            );
        }
    }

    #[test]
    fn invalid_bytes_name_their_line() {
        let mut bytes = encoding_rs::GBK.encode("a,b\n1,2\n").0.into_owned();
        bytes.extend_from_slice(b"3,\xff\n");
        let error = decode_all(&bytes, TextEncoding::GB18030, 3).unwrap_err();
        let malformed = error
            .get_ref()
            .unwrap()
            .downcast_ref::<Malformed>()
            .unwrap();
        assert_eq!(malformed.line, 3);
    }

    #[test]
    fn detection() {
        assert_eq!(detect(b"a,b\n", true), (TextEncoding::UTF_8, 0));
        assert_eq!(detect(b"\xef\xbb\xbfa,b\n", true), (TextEncoding::UTF_8, 3));
        let gbk = encoding_rs::GBK.encode("姓名\n").0.into_owned();
        assert_eq!(detect(&gbk, true).0, TextEncoding::GB18030);
        // A UTF-8 character cut by the end of the sample is still UTF-8.
        let cut = &"名".as_bytes()[..2];
        assert_eq!(detect(cut, false).0, TextEncoding::UTF_8);
        assert_eq!(detect(cut, true).0, TextEncoding::GB18030);
        assert_eq!(TextEncoding::from_label("GBK").unwrap().name(), "GBK");
        // UTF-8 Chinese text with one stray byte is still UTF-8 (the byte is reported later).
        let mut stray = "姓名,城市\n张三,北京\n".repeat(20).into_bytes();
        stray.extend_from_slice(b"x,\xff\n");
        assert_eq!(detect(&stray, true).0, TextEncoding::UTF_8);
        // ASCII with one stray byte: a tie, read as UTF-8.
        assert_eq!(detect(b"a,b\n1,\xff\n", true).0, TextEncoding::UTF_8);
        // GBK text with a byte GB18030 rejects stays GB18030.
        let mut gbk = encoding_rs::GBK
            .encode(&"姓名,城市\n张三,北京\n".repeat(20))
            .0
            .into_owned();
        gbk.extend_from_slice(b"x,\xff\n");
        assert_eq!(detect(&gbk, true).0, TextEncoding::GB18030);
        assert!(TextEncoding::from_label("klingon").is_none());
    }
}
