//! De-identification of a lake against the in-memory engine: generated hive-partitioned lakes
//! (several partitions, the same people in several of them) give the in-memory engine's
//! lattice node, suppressed rows, report (risk figures included) and output rows — pseudonyms
//! included — as the same rows read as one file; the output's bytes are the same every run;
//! a malformed partition is named.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a failure fails the test"
)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use freeport_deid::config::LoadedConfig;
use freeport_lake::deid::{LakeDeidOptions, deidentify_lake};
use freeport_lake::{LakeError, discover_lake};

const DIAGNOSES: [&str; 5] = ["flu", "asthma", "diabetes", "fracture", "migraine"];
const DISTRICTS: [&str; 6] = ["110101", "110105", "110108", "310101", "310104", "440305"];
const REGIONS: [&str; 3] = ["east", "north", "south"];

/// One person's fixed attributes; rows repeat people across partitions.
fn person(p: usize) -> (String, i64, &'static str, String) {
    let name = format!("person-{p:04}");
    let age = 18 + (p * 7 % 70) as i64;
    let district = DISTRICTS[p * 5 % DISTRICTS.len()];
    let phone = format!("139{:08}", 10_000_000 + p * 37);
    (name, age, district, phone)
}

/// A file's own columns for `rows` rows drawn with `seed` over `people` people.
fn batch(rows: usize, people: usize, seed: u64) -> RecordBatch {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let (mut names, mut ages, mut districts, mut phones, mut diagnoses, mut amounts) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..rows {
        let p = next() % people;
        let (name, age, district, phone) = person(p);
        names.push(name);
        ages.push(age);
        districts.push(district);
        phones.push((next() % 9 != 0).then_some(phone));
        diagnoses.push(DIAGNOSES[(p + next() % 3) % DIAGNOSES.len()]);
        amounts.push((next() % 11 != 0).then_some((next() % 10_000) as i64));
    }
    let schema = Schema::new(vec![
        Field::new("name", DataType::Utf8, false),
        Field::new("age", DataType::Int64, false),
        Field::new("district", DataType::Utf8, false),
        Field::new("phone", DataType::Utf8, true),
        Field::new("diagnosis", DataType::Utf8, false),
        Field::new("amount", DataType::Int64, true),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(names)),
        Arc::new(Int64Array::from(ages)),
        Arc::new(StringArray::from(districts)),
        Arc::new(StringArray::from(phones)),
        Arc::new(StringArray::from(diagnoses)),
        Arc::new(Int64Array::from(amounts)),
    ];
    RecordBatch::try_new(Arc::new(schema), columns).unwrap()
}

/// The batch with its partition values as trailing text columns.
fn with_partitions(batch: &RecordBatch, partitions: &[(&str, &str)]) -> RecordBatch {
    let mut fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    let mut columns = batch.columns().to_vec();
    for (key, value) in partitions {
        fields.push(Field::new(*key, DataType::Utf8, true));
        columns.push(Arc::new(StringArray::from_iter_values(
            std::iter::repeat_n(*value, batch.num_rows()),
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

/// A lake of `files` files under `year=`/`region=`, the same rows as one file, a key and the
/// configuration.
struct Generated {
    dir: tempfile::TempDir,
    lake: PathBuf,
    whole: PathBuf,
}

fn generate(files: usize, rows_per_file: usize, people: usize) -> Generated {
    let dir = tempfile::tempdir().unwrap();
    let lake = dir.path().join("lake");
    let mut layout: Vec<(PathBuf, RecordBatch, RecordBatch)> = (0..files)
        .map(|i| {
            let year = ["2025", "2026"][i % 2];
            let region = REGIONS[(i / 2) % REGIONS.len()];
            let own = batch(rows_per_file, people, i as u64 + 7);
            let path = lake
                .join(format!("year={year}"))
                .join(format!("region={region}"))
                .join(format!("part-{i:03}.parquet"));
            let whole = with_partitions(&own, &[("year", year), ("region", region)]);
            (path, own, whole)
        })
        .collect();
    layout.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, own, _) in &layout {
        write_parquet(path, std::slice::from_ref(own));
    }
    let whole = dir.path().join("whole.parquet");
    let batches: Vec<RecordBatch> = layout.into_iter().map(|(_, _, w)| w).collect();
    write_parquet(&whole, &batches);
    let key = dir.path().join("key.bin");
    std::fs::write(&key, [7u8; 32]).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::write(
        dir.path().join("region.csv"),
        "east;coast;*\nnorth;inland;*\nsouth;coast;*\n",
    )
    .unwrap();
    Generated { dir, lake, whole }
}

/// A configuration: pseudonymised names, masked phones, three quasi-identifiers (one of them
/// a partition key), distinct 2-diversity on the diagnosis.
fn config(generated: &Generated, k: u32, limit: f64) -> LoadedConfig {
    let text = format!(
        r#"version = 1
unlisted = "insensitive"
[model]
k = {k}
suppression-limit = {limit}
[[model.l-diversity]]
attribute = "diagnosis"
variant = "distinct"
l = 2
[columns.name]
role = "identifier"
transform = {{ pseudonymise = {{ key-file = "key.bin" }} }}
[columns.phone]
role = "identifier"
transform = {{ mask = {{ keep-prefix = 3 }} }}
[columns.age]
role = "quasi-identifier"
hierarchy = {{ interval = {{ widths = [5, 10, 20] }} }}
[columns.district]
role = "quasi-identifier"
hierarchy = "cn-admin"
[columns.region]
role = "quasi-identifier"
hierarchy = {{ file = "region.csv" }}
[columns.diagnosis]
role = "sensitive"
"#
    );
    LoadedConfig::parse(&text, "deid.toml", generated.dir.path().to_path_buf()).unwrap()
}

/// Text cells of a Parquet file's batches, nulls as empty strings.
fn parquet_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let file = File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut header = Vec::new();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        header = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        for row in 0..batch.num_rows() {
            rows.push(
                batch
                    .columns()
                    .iter()
                    .map(|c| {
                        let c = c.as_string::<i32>();
                        if c.is_null(row) {
                            String::new()
                        } else {
                            c.value(row).to_owned()
                        }
                    })
                    .collect(),
            );
        }
    }
    (header, rows)
}

/// A de-identified lake's rows: each file's cells, then its partition values.
fn lake_rows(dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let lake = discover_lake(&dir.to_string_lossy()).unwrap();
    let mut header = Vec::new();
    let mut rows = Vec::new();
    for file in &lake.files {
        let (own, cells) = parquet_rows(&file.path);
        header = own.into_iter().chain(lake.keys.iter().cloned()).collect();
        for mut row in cells {
            row.extend(
                file.partitions
                    .iter()
                    .map(|v| v.clone().unwrap_or_default()),
            );
            rows.push(row);
        }
    }
    (header, rows)
}

fn sorted(mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    rows.sort();
    rows
}

/// The in-memory engine on the same rows as one file.
fn in_memory(generated: &Generated, cfg: &LoadedConfig) -> freeport_deid::engine::Outcome {
    let read = freeport_deid::io::read_table(&generated.whole, &Default::default()).unwrap();
    freeport_deid::engine::deidentify(read.table, cfg, None).unwrap()
}

/// Both engines on a generated lake: the same report and the same output rows; returns the
/// rows suppressed.
fn check(files: usize, rows_per_file: usize, people: usize, k: u32, limit: f64) -> u64 {
    let generated = generate(files, rows_per_file, people);
    let cfg = config(&generated, k, limit);
    let memory = in_memory(&generated, &cfg);
    let out = generated.dir.path().join("out");
    let options = LakeDeidOptions {
        memory_limit: 16 << 20,
        threads: 2,
        ..LakeDeidOptions::default()
    };
    let lake = deidentify_lake(&generated.lake.to_string_lossy(), &cfg, &out, &options).unwrap();

    // The same node, suppressed rows, classes and risk: the whole report.
    assert_eq!(lake.report.transformation, memory.report.transformation);
    assert_eq!(lake.report.suppressed_rows, memory.report.suppressed_rows);
    assert_eq!(
        serde_json::to_value(&lake.report).unwrap(),
        serde_json::to_value(&memory.report).unwrap()
    );

    // The same output rows (pseudonyms included), read back.
    let memory_out = generated.dir.path().join("memory.parquet");
    freeport_deid::io::write_table(
        &memory_out,
        freeport_deid::io::OutputFormat::Parquet,
        None,
        &memory.columns,
        &memory.row_kept,
    )
    .unwrap();
    let (memory_header, memory_rows) = parquet_rows(&memory_out);
    let (lake_header, rows) = lake_rows(&out);
    assert_eq!(lake_header, memory_header);
    assert_eq!(rows.len(), memory.report.output_rows);
    assert_eq!(sorted(rows), sorted(memory_rows));
    memory.report.suppressed_rows
}

#[test]
fn a_lake_is_de_identified_as_the_same_rows_in_memory() {
    // k = 5 over 18 files of 40 rows, 150 people in several partitions each.
    check(18, 40, 150, 5, 0.05);
}

#[test]
fn suppressed_classes_are_left_out_as_in_memory() {
    let suppressed = check(6, 50, 400, 4, 0.2);
    assert!(suppressed > 0, "this lake should need suppression");
}

#[test]
fn the_output_is_the_same_bytes_every_run() {
    let generated = generate(8, 60, 90);
    let cfg = config(&generated, 3, 0.05);
    let run = |name: &str| {
        let out = generated.dir.path().join(name);
        let outcome = deidentify_lake(
            &generated.lake.to_string_lossy(),
            &cfg,
            &out,
            &LakeDeidOptions::default(),
        )
        .unwrap();
        assert!(!outcome.files.is_empty());
        outcome
            .files
            .iter()
            .map(|f| (f.clone(), std::fs::read(out.join(f)).unwrap()))
            .collect::<Vec<_>>()
    };
    let (first, second) = (run("a"), run("b"));
    assert_eq!(first, second);
    // Partitions keep their keys; the generalised region is escaped in the path.
    assert!(
        first
            .iter()
            .all(|(f, _)| f.starts_with("year=2025") || f.starts_with("year=2026"))
    );
}

#[test]
fn a_malformed_partition_is_named_and_nothing_is_written() {
    let generated = generate(6, 30, 40);
    let cfg = config(&generated, 2, 0.1);
    let lake = discover_lake(&generated.lake.to_string_lossy()).unwrap();
    let bad = &lake.files[3].path;
    let bytes = std::fs::read(bad).unwrap();
    std::fs::write(bad, &bytes[..bytes.len() / 2]).unwrap();
    let out = generated.dir.path().join("out");
    let error = deidentify_lake(
        &generated.lake.to_string_lossy(),
        &cfg,
        &out,
        &LakeDeidOptions::default(),
    )
    .unwrap_err();
    match &error {
        LakeError::Partition { file, .. } => assert_eq!(file, bad),
        other => panic!("expected the partition named, got {other}"),
    }
    assert!(!out.exists());
}

#[test]
fn an_existing_output_is_refused() {
    let generated = generate(2, 20, 10);
    let cfg = config(&generated, 2, 0.5);
    let out = generated.dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    let error = deidentify_lake(
        &generated.lake.to_string_lossy(),
        &cfg,
        &out,
        &LakeDeidOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(error, LakeError::Output { .. }), "{error}");
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );
}
