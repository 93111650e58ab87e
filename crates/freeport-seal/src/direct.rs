//! A file written once, front to back, past the page cache where the filesystem allows it.
//!
//! A payload is as large as the data it carries and nobody reads it back on this machine, so
//! copying it into the page cache only costs: the kernel copy of every byte into freshly
//! allocated cache pages was the largest single cost of sealing (14 % of an assess's CPU on a
//! 220 MB file; on a virtual machine whose free memory goes back to the host, first touches of
//! those pages made a buffered write of 220 MB cost 0.5–0.75 s of system time against 0.02 s
//! written direct). On Linux the file is opened `O_DIRECT` and written in aligned blocks from one
//! aligned buffer; the last, partial block is written padded and the file cut to its length.
//! Where the filesystem refuses direct I/O (tmpfs, some network filesystems) the same writer falls
//! back to ordinary writes, so callers never see the difference.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};

/// Offsets, lengths and the buffer's address are multiples of this: the largest logical block
/// size direct I/O asks for on the devices we meet (512 or 4096 bytes).
const ALIGN: usize = 4096;

/// Bytes gathered before each write: large enough that per-call costs vanish, a multiple of
/// [`ALIGN`].
const CAPACITY: usize = 1 << 20;

/// A new file written front to back; see the module documentation.
#[derive(Debug)]
pub(crate) struct DirectFile {
    file: File,
    path: PathBuf,
    /// Over-allocated by [`ALIGN`] so that an aligned window of [`CAPACITY`] bytes fits.
    buffer: Vec<u8>,
    /// Where the aligned window starts in `buffer`.
    start: usize,
    /// Bytes waiting in the window.
    filled: usize,
    /// Bytes of the file already written; always a multiple of [`CAPACITY`].
    written: u64,
    direct: bool,
}

impl DirectFile {
    /// Creates `path`, which must not exist.
    ///
    /// # Errors
    /// When the file cannot be created (it exists, the directory is missing or not writable).
    pub(crate) fn create_new(path: &Path) -> io::Result<Self> {
        let (file, direct) = open_direct(path)?;
        let buffer = vec![0u8; CAPACITY + ALIGN];
        let start = buffer.as_ptr().align_offset(ALIGN);
        // `align_offset` may decline (never for `u8` in practice); then nothing is aligned and
        // the writer starts buffered instead of failing on its first write.
        let direct = direct && start < ALIGN;
        Ok(Self {
            file,
            path: path.to_path_buf(),
            start: if start < ALIGN { start } else { 0 },
            buffer,
            filled: 0,
            written: 0,
            direct,
        })
    }

    /// Whether writes still go past the page cache (for tests).
    #[cfg(test)]
    pub(crate) fn is_direct(&self) -> bool {
        self.direct
    }

    /// Writes what is buffered and returns the file, cut to the bytes written, for the caller to
    /// sync.
    ///
    /// # Errors
    /// When the last write or the truncation fails.
    pub(crate) fn finish(mut self) -> io::Result<File> {
        self.write_tail()?;
        Ok(self.file)
    }

    /// The full window, written at `written`.
    fn write_window(&mut self) -> io::Result<()> {
        let window = self.start..self.start + CAPACITY;
        self.write_at(window)?;
        self.written += CAPACITY as u64;
        self.filled = 0;
        Ok(())
    }

    /// Whatever is buffered, written at `written` without consuming it: padded with zeros to a
    /// block when direct, then the file is cut to its true length.
    fn write_tail(&mut self) -> io::Result<()> {
        if self.filled == 0 {
            return Ok(());
        }
        let length = if self.direct {
            let padded = self.filled.div_ceil(ALIGN) * ALIGN;
            if let Some(pad) = self
                .buffer
                .get_mut(self.start + self.filled..self.start + padded)
            {
                pad.fill(0);
            }
            padded
        } else {
            self.filled
        };
        self.write_at(self.start..self.start + length)?;
        if length != self.filled {
            self.file.set_len(self.written + self.filled as u64)?;
        }
        Ok(())
    }

    /// Writes `range` of the buffer at offset `written`; if the filesystem refuses the direct
    /// write, reopens the file for ordinary writes and writes it again.
    fn write_at(&mut self, range: std::ops::Range<usize>) -> io::Result<()> {
        let bytes = self
            .buffer
            .get(range.clone())
            .ok_or_else(|| io::Error::other("direct-write window out of its buffer"))?;
        match self.file.write_all_at(bytes, self.written) {
            Err(e) if self.direct && e.kind() == io::ErrorKind::InvalidInput => {
                // Alignment the device does not accept: nothing of this write landed.
                self.file = OpenOptions::new().write(true).open(&self.path)?;
                self.direct = false;
                let unpadded = range.start..range.start + self.filled.min(range.len());
                let bytes = self
                    .buffer
                    .get(unpadded)
                    .ok_or_else(|| io::Error::other("direct-write window out of its buffer"))?;
                self.file.write_all_at(bytes, self.written)
            }
            other => other,
        }
    }
}

impl Write for DirectFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // A full window is written only when more bytes come, so an error here means none of
        // `buf` was taken.
        if self.filled == CAPACITY && !buf.is_empty() {
            self.write_window()?;
        }
        let room = CAPACITY - self.filled;
        let n = buf.len().min(room);
        let at = self.start + self.filled;
        let (Some(target), Some(source)) = (self.buffer.get_mut(at..at + n), buf.get(..n)) else {
            return Err(io::Error::other("direct-write window out of its buffer"));
        };
        target.copy_from_slice(source);
        self.filled += n;
        Ok(n)
    }

    /// Puts what is buffered into the file (padded and cut when direct); the bytes stay buffered
    /// so that the next full window rewrites that block whole.
    fn flush(&mut self) -> io::Result<()> {
        self.write_tail()
    }
}

/// Opens `path` new for direct writes where the platform and filesystem allow it, else for
/// ordinary writes.
fn open_direct(path: &Path) -> io::Result<(File, bool)> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_DIRECT)
            .open(path)
        {
            Ok(file) => return Ok((file, true)),
            // tmpfs and others refuse `O_DIRECT` at open, before creating anything.
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => {}
            Err(e) => return Err(e),
        }
    }
    Ok((
        OpenOptions::new().write(true).create_new(true).open(path)?,
        false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn write_in_pieces(dir: &Path, data: &[u8], piece: usize, flush_every: usize) -> Vec<u8> {
        let path = dir.join("out.bin");
        let mut out = DirectFile::create_new(&path).unwrap();
        for (i, chunk) in data.chunks(piece.max(1)).enumerate() {
            out.write_all(chunk).unwrap();
            if flush_every > 0 && i % flush_every == 0 {
                out.flush().unwrap();
                // After a flush the file already holds exactly what was written so far.
                let so_far = (i + 1) * piece.max(1);
                assert_eq!(
                    std::fs::metadata(&path).unwrap().len(),
                    so_far.min(data.len()) as u64
                );
            }
        }
        out.finish().unwrap().sync_all().unwrap();
        std::fs::read(&path).unwrap()
    }

    #[test]
    fn a_file_of_several_windows_and_a_tail_reads_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..CAPACITY * 3 + 12_345)
            .map(|i| (i % 251) as u8)
            .collect();
        assert_eq!(write_in_pieces(dir.path(), &data, 65_552, 0), data);
    }

    #[test]
    fn an_empty_file_stays_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_in_pieces(dir.path(), &[], 10, 0).is_empty());
    }

    #[test]
    fn an_existing_file_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("there");
        std::fs::write(&path, b"keep").unwrap();
        let err = DirectFile::create_new(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"keep");
    }

    /// Where the filesystem takes direct I/O the writer keeps to it (the bytes are the same
    /// either way, above); where it does not, a plain `O_DIRECT` open fails too.
    #[test]
    #[cfg(target_os = "linux")]
    fn direct_io_is_left_only_where_the_filesystem_refuses_it() {
        use std::os::unix::fs::OpenOptionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let mut out = DirectFile::create_new(&dir.path().join("out")).unwrap();
        out.write_all(&vec![7u8; 2 * CAPACITY + 1]).unwrap();
        if !out.is_direct() {
            let probe = OpenOptions::new()
                .write(true)
                .create_new(true)
                .custom_flags(libc::O_DIRECT)
                .open(dir.path().join("probe"));
            assert!(
                probe.is_err(),
                "direct I/O opens here but the writer left it"
            );
        }
    }

    /// A direct write the kernel refuses (here: a buffer one byte off its alignment) is written
    /// again the ordinary way, and so is everything after it.
    #[test]
    fn a_refused_direct_write_falls_back_without_losing_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let mut out = DirectFile::create_new(&path).unwrap();
        let was_direct = out.is_direct();
        out.start += 1;
        let data: Vec<u8> = (0..2 * CAPACITY + 777).map(|i| (i % 13) as u8).collect();
        out.write_all(&data).unwrap();
        out.flush().unwrap();
        out.write_all(b"tail").unwrap();
        if was_direct {
            assert!(!out.is_direct(), "a misaligned direct write was accepted");
        }
        out.finish().unwrap().sync_all().unwrap();
        let mut expected = data;
        expected.extend_from_slice(b"tail");
        assert_eq!(std::fs::read(&path).unwrap(), expected);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn any_length_in_any_pieces_with_flushes_reads_back(
            len in 0usize..(2 * CAPACITY + 3 * ALIGN),
            piece in 1usize..200_000,
            flush_every in 0usize..5,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
            prop_assert_eq!(write_in_pieces(dir.path(), &data, piece, flush_every), data);
        }
    }
}
