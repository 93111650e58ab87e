//! Shared by the reader fuzz targets: read a file to the end and check the reader's promises.

use freeport_read::{Format, Input, ReadOptions, Source, open};

/// Writes `data` to a temporary file with `extension` and reads every batch; errors are fine,
/// panics and batches that break the schema are not.
pub fn read_file(data: &[u8], extension: &str, format: Format) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(format!("input.{extension}"));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let input = Input { source: Source::File(path), format, sheet: None };
    let options = ReadOptions { batch_rows: 7, ..ReadOptions::default() };
    if let Ok(mut reader) = open(&input, &options) {
        drain(reader.as_mut());
    }
}

/// Reads a reader to its end, checking every batch against its schema.
pub fn drain(reader: &mut dyn freeport_read::BatchReader) {
    let schema = reader.schema();
    for _ in 0..10_000 {
        match reader.next_batch() {
            Ok(Some(batch)) => {
                assert_eq!(batch.schema(), schema);
                assert!(batch.num_rows() <= 7);
            }
            Ok(None) | Err(_) => return,
        }
    }
}
