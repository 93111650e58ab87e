//! The lake engine against the native scanner: generated hive-partitioned lakes (Parquet and
//! CSV, several partitions, the same people in several partitions, a free-text column) give the
//! report the native scanner gives for the same rows concatenated into one file, byte for byte
//! apart from the dataset's path; malformed partitions are named, never skipped.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure fails the test"
)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use freeport_lake::{LakeError, LakeOptions, scan_lake};
use freeport_read::{Format, Input, Source};
use freeport_scan::{DatasetReport, HashScheme, NoProgress, ScanOptions, scan_input};

/// A valid GB 11643 resident id from a 17-digit body (the detector's own check digit).
fn resident_id(body: &str) -> String {
    let check = freeport_detect::checks::mod11_2_check(body.as_bytes()).unwrap() as char;
    format!("{body}{check}")
}

/// One generated row: the lake's own columns (partition values come from the path).
struct Row {
    id: Option<String>,
    name: String,
    phone: Option<String>,
    amount: i64,
    notes: Option<String>,
}

const SURNAMES: [&str; 8] = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄"];
const GIVEN: [&str; 8] = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳"];

/// `rows` rows over `people` people (so each person appears in several partitions), with a
/// free-text note that sometimes holds a phone number or an id, and some empty or invalid keys.
fn rows(rows: usize, people: usize, seed: u64) -> Vec<Row> {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    (0..rows)
        .map(|_| {
            let person = (next() as usize) % people;
            // Distinct valid ids: a real birth date and sequence per person.
            let (seq, day) = (person % 1000, person / 1000);
            let id = resident_id(&format!(
                "110105{}{:02}{:02}{seq:03}",
                1960 + day / 336,
                (day / 28) % 12 + 1,
                day % 28 + 1
            ));
            let phone = format!("13{:09}", 800_000_000 + person);
            let note = match next() % 5 {
                0 => Some(format!("客户来电，回拨号码 {phone}，已处理")),
                1 => Some(format!("身份证 {id} 复核完成，等待下一步")),
                2 => Some("包裹已送达，客户表示满意，无需回访".to_owned()),
                3 => Some("Customer asked about the refund status again today".to_owned()),
                _ => None,
            };
            Row {
                id: match next() % 50 {
                    0 => None,
                    1 => Some("not-an-id".to_owned()),
                    _ => Some(id),
                },
                name: format!(
                    "{}{}",
                    SURNAMES[person % SURNAMES.len()],
                    GIVEN[(person / SURNAMES.len()) % GIVEN.len()]
                ),
                phone: (next() % 7 != 0).then_some(phone),
                amount: (next() % 100_000) as i64,
                notes: note,
            }
        })
        .collect()
}

fn batch(rows: &[Row], partitions: &[(&str, &str)]) -> RecordBatch {
    let mut fields = vec![
        Field::new("身份证号", DataType::Utf8, true),
        Field::new("姓名", DataType::Utf8, true),
        Field::new("手机", DataType::Utf8, true),
        Field::new("amount", DataType::Int64, true),
        Field::new("备注", DataType::Utf8, true),
    ];
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter(rows.iter().map(|r| r.id.clone()))),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| &r.name))),
        Arc::new(StringArray::from_iter(rows.iter().map(|r| r.phone.clone()))),
        Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.amount))),
        Arc::new(StringArray::from_iter(rows.iter().map(|r| r.notes.clone()))),
    ];
    for (key, value) in partitions {
        fields.push(Field::new(*key, DataType::Utf8, true));
        columns.push(Arc::new(StringArray::from_iter_values(
            std::iter::repeat_n(*value, rows.len()),
        )));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap()
}

fn write_parquet(path: &Path, batches: &[RecordBatch]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = File::create(path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batches[0].schema(), None).unwrap();
    for batch in batches {
        writer.write(batch).unwrap();
    }
    writer.close().unwrap();
}

fn csv_field(value: Option<&str>) -> String {
    match value {
        None => String::new(),
        Some(v) if v.contains([',', '"', '\n']) => format!("\"{}\"", v.replace('"', "\"\"")),
        Some(v) => v.to_owned(),
    }
}

fn write_csv(path: &Path, batches: &[RecordBatch]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let schema = batches[0].schema();
    let mut text = schema
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for batch in batches {
        let columns: Vec<ArrayRef> = batch
            .columns()
            .iter()
            .map(|c| freeport_read::to_strings(c).unwrap())
            .collect();
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = columns
                .iter()
                .map(|c| {
                    let c = c.as_any().downcast_ref::<StringArray>().unwrap();
                    csv_field((!arrow::array::Array::is_null(c, row)).then(|| c.value(row)))
                })
                .collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
    }
    std::fs::write(path, text).unwrap();
}

/// A generated lake: `files` files under `year=`/`region=` partitions, and the same rows
/// concatenated (in the lake's path order, partition values as trailing columns) into one file.
struct Generated {
    _dir: tempfile::TempDir,
    lake: PathBuf,
    whole: PathBuf,
}

fn generate(format: Format, files: usize, rows_per_file: usize, people: usize) -> Generated {
    let dir = tempfile::tempdir().unwrap();
    let lake = dir.path().join("lake");
    let years = ["2024", "2025", "2026"];
    let regions = ["east", "north", "south"];
    let mut layout: Vec<(PathBuf, Vec<RecordBatch>, RecordBatch)> = Vec::new();
    for i in 0..files {
        let (year, region) = (years[i % years.len()], regions[(i / years.len()) % 3]);
        let part = rows(rows_per_file, people, i as u64 + 1);
        let extension = if format == Format::Parquet {
            "parquet"
        } else {
            "csv"
        };
        let path = lake
            .join(format!("year={year}"))
            .join(format!("region={region}"))
            .join(format!("part-{i:03}.{extension}"));
        // Several batches per file, so a file's row order is more than one batch.
        let own: Vec<RecordBatch> = part
            .chunks(rows_per_file.div_ceil(3).max(1))
            .map(|chunk| batch(chunk, &[]))
            .collect();
        let whole = batch(&part, &[("year", year), ("region", region)]);
        layout.push((path, own, whole));
    }
    layout.sort_by(|a, b| a.0.cmp(&b.0));
    let whole: Vec<RecordBatch> = layout.iter().map(|(_, _, w)| w.clone()).collect();
    for (path, own, _) in &layout {
        match format {
            Format::Parquet => write_parquet(path, own),
            _ => write_csv(path, own),
        }
    }
    let whole_path = dir.path().join(if format == Format::Parquet {
        "whole.parquet"
    } else {
        "whole.csv"
    });
    match format {
        Format::Parquet => write_parquet(&whole_path, &whole),
        _ => write_csv(&whole_path, &whole),
    }
    Generated {
        _dir: dir,
        lake,
        whole: whole_path,
    }
}

fn native(path: &Path, format: Format, options: &ScanOptions) -> DatasetReport {
    let input = Input {
        source: Source::File(path.to_path_buf()),
        format,
        sheet: None,
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| scan_input(&input, options, &NoProgress).unwrap())
}

/// Native and lake reports agree: JSON byte for byte (path aside), salted hashes too; the lake
/// scanned with DataFusion's memory pool at `memory_limit` bytes.
fn assert_same(
    generated: &Generated,
    format: Format,
    options: &ScanOptions,
    memory_limit: usize,
) -> DatasetReport {
    let native = native(&generated.whole, format, options);
    let spill = tempfile::tempdir().unwrap();
    let lake_options = LakeOptions {
        scan: options.clone(),
        memory_limit,
        spill_dir: Some(spill.path().to_path_buf()),
    };
    let mut lake = scan_lake(generated.lake.to_str().unwrap(), &lake_options, &NoProgress)
        .unwrap_or_else(|e| panic!("lake scan failed: {e}"));
    assert_eq!(lake.path, generated.lake.to_str().unwrap());
    lake.path = native.path.clone();
    assert_eq!(
        serde_json::to_string_pretty(&lake).unwrap(),
        serde_json::to_string_pretty(&native).unwrap()
    );
    assert_eq!(lake.salted, native.salted);
    native
}

#[test]
fn lakes_give_the_native_report_of_their_rows_as_one_file() {
    // (format, files, rows per file, people, salted, examples, memory pool)
    let cases = [
        (Format::Parquet, 9, 400, 500, false, false, 64 << 20),
        (Format::Parquet, 6, 300, 200, true, true, 64 << 20),
        (Format::Csv, 9, 400, 500, true, false, 64 << 20),
        // Past the profilers' 10,000-value head and the native 16,384-row probe: the
        // classification sample depends on row order, which the lake keeps.
        (Format::Parquet, 4, 6_000, 3_000, true, false, 64 << 20),
        // Files of several batches (rows must reach the profilers in file order: a parallel
        // session's round-robin repartitioning reordered them), 100,000 people, and a 4 MiB
        // memory pool for the GROUP BY (spilling is DataFusion's; not asserted here).
        (Format::Parquet, 4, 30_000, 100_000, true, false, 4 << 20),
    ];
    for (format, files, per_file, people, salted, examples, memory) in cases {
        let generated = generate(format, files, per_file, people);
        let options = ScanOptions {
            threads: 2,
            show_examples: examples,
            salt: salted.then(|| b"exporter salt for tests".to_vec()),
            salt_scheme: HashScheme::HmacSha256,
            ..ScanOptions::default()
        };
        let report = assert_same(&generated, format, &options, memory);
        // The cases exercise what they claim: subjects counted across partitions, text found.
        let key = report.subject_key.as_ref().expect("a key column");
        assert_eq!(key.category, "id.cn.resident_id", "{format} {files}");
        let subjects = report.subjects["id.cn.resident_id"];
        assert!(
            subjects > 0 && subjects <= people as u64,
            "{subjects} of {people}"
        );
        assert!(report.unkeyed_rows > 0);
        assert_eq!(report.rows, (files * per_file) as u64);
        assert!(
            report.columns.iter().any(|c| !c.contains.is_empty()),
            "a free-text column with categories inside"
        );
        if salted {
            let hashes = &report.salted.as_ref().unwrap().subjects["id.cn.resident_id"];
            assert_eq!(hashes.len() as u64, subjects);
        }
    }
}

/// The error of scanning `lake` with default options.
fn scan_error(lake: &Path) -> LakeError {
    scan_lake(lake.to_str().unwrap(), &LakeOptions::default(), &NoProgress).unwrap_err()
}

#[test]
fn a_malformed_partition_is_named_and_the_scan_stops() {
    let generated = generate(Format::Parquet, 3, 50, 40);
    let bad = generated
        .lake
        .join("year=2025/region=east/part-999.parquet");
    std::fs::write(&bad, b"PAR1 this is not a parquet file PAR1").unwrap();
    let error = scan_error(&generated.lake);
    match &error {
        LakeError::Partition { file, .. } => assert_eq!(file, &bad),
        other => panic!("expected a partition error, got {other:?}"),
    }
    assert!(error.to_string().contains("part-999.parquet"), "{error}");

    let generated = generate(Format::Csv, 3, 50, 40);
    let bad = generated.lake.join("year=2026/region=east/part-998.csv");
    let header = "身份证号,姓名,手机,amount,备注\n";
    std::fs::write(&bad, format!("{header}1,2,3\n")).unwrap();
    let error = scan_error(&generated.lake);
    assert!(
        matches!(&error, LakeError::Partition { file, .. } if file == &bad),
        "{error:?}"
    );
}

/// A CSV file with a byte-order mark would lose its first column's name to DataFusion's reader:
/// refused by name, not scanned into another report.
#[test]
fn a_csv_partition_with_a_byte_order_mark_is_refused_by_name() {
    let generated = generate(Format::Csv, 2, 20, 10);
    let marked = generated.lake.join("year=2024/region=east/part-000.csv");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(&marked).unwrap());
    std::fs::write(&marked, bytes).unwrap();
    let error = scan_error(&generated.lake);
    assert!(
        matches!(&error, LakeError::Format { file, reason } if file == &marked && reason.contains("byte-order mark")),
        "{error:?}"
    );
}

#[test]
fn files_that_disagree_with_the_lake_are_refused_by_name() {
    let generated = generate(Format::Parquet, 3, 20, 10);
    // Other columns.
    let odd = generated
        .lake
        .join("year=2024/region=east/part-500.parquet");
    let other = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new("x", DataType::Utf8, true)])),
        vec![Arc::new(StringArray::from(vec!["a"]))],
    )
    .unwrap();
    write_parquet(&odd, &[other]);
    let error = scan_error(&generated.lake);
    assert!(
        matches!(&error, LakeError::Schema { file, .. } if file == &odd),
        "{error:?}"
    );
    std::fs::remove_file(&odd).unwrap();
    // Other partition keys.
    // (sorted after the lake's first file, so that file sets the keys)
    let stray = generated.lake.join("year=2026/zzz-501.parquet");
    std::fs::copy(
        generated
            .lake
            .join("year=2024/region=east/part-000.parquet"),
        &stray,
    )
    .unwrap();
    let error = scan_error(&generated.lake);
    assert!(
        matches!(&error, LakeError::Partitions { file, .. } if file == &stray),
        "{error:?}"
    );
}
