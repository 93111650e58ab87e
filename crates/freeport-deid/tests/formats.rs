//! Input and output formats: one synthetic table (`tests/fixtures/formats/people.*`) stored as
//! CSV, TSV, GBK CSV, JSON Lines, Parquet (ages as integers) and XLSX (ages as numbers, two
//! worksheets) must de-identify to the same output, `people.expected.csv`; every output format
//! must read back to the cells the engine produced.
//!
//! The non-CSV fixtures are generated from `people.csv` by the ignored test
//! `regenerate_format_fixtures` (`cargo test -p freeport-deid --test formats -- --ignored`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use freeport_deid::engine::{Outcome, RunOptions, run_files};
use freeport_deid::io::{InputOptions, OutputFormat, read_table};
use freeport_read::Format;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

fn options(sheet: Option<&str>, output: Option<OutputFormat>) -> RunOptions {
    RunOptions {
        profile: None,
        input: InputOptions {
            encoding: None,
            sheet: sheet.map(str::to_owned),
        },
        output_format: output,
    }
}

/// (fixture, worksheet, format the reader must report, encoding it must report)
const INPUTS: &[(&str, Option<&str>, Format, Option<&str>)] = &[
    ("people.csv", None, Format::Csv, Some("UTF-8")),
    ("people.tsv", None, Format::Tsv, Some("UTF-8")),
    ("people.gbk.csv", None, Format::Csv, Some("gb18030")),
    ("people.jsonl", None, Format::JsonLines, Some("UTF-8")),
    ("people.parquet", None, Format::Parquet, None),
    ("people.xlsx", Some("people"), Format::Spreadsheet, None),
];

#[test]
fn every_input_format_gives_the_expected_output() {
    let expected = std::fs::read_to_string(fixture("people.expected.csv")).unwrap();
    for (file, sheet, format, encoding) in INPUTS {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        let (outcome, files) = run_files(
            &fixture(file),
            &fixture("people.toml"),
            &out,
            &options(*sheet, None),
        )
        .unwrap_or_else(|e| panic!("{file}: {:?}", miette::Report::new(e)));
        assert_eq!(files.input.format, *format, "{file}");
        assert_eq!(
            files.input.encoding.map(str::to_ascii_lowercase),
            encoding.map(str::to_ascii_lowercase),
            "{file}"
        );
        assert_eq!(files.output, OutputFormat::Csv);
        assert_eq!(outcome.report.input_rows, 24, "{file}");
        let written = std::fs::read_to_string(&out).unwrap();
        assert_eq!(written, expected, "{file}");
    }
}

/// The output's cells as the engine produced them, kept rows only.
fn engine_rows(outcome: &Outcome) -> Vec<Vec<String>> {
    outcome
        .rows()
        .map(|r| r.into_iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn every_output_format_reads_back_to_the_engine_cells() {
    for (name, format) in [
        ("out.csv", OutputFormat::Csv),
        ("out.tsv", OutputFormat::Tsv),
        ("out.parquet", OutputFormat::Parquet),
        ("out.jsonl", OutputFormat::JsonLines),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(name);
        let (outcome, files) = run_files(
            &fixture("people.csv"),
            &fixture("people.toml"),
            &out,
            &options(None, None),
        )
        .unwrap();
        assert_eq!(files.output, format);
        let back = read_table(&out, &InputOptions::default()).unwrap().table;
        let header: Vec<&str> = back.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(header, outcome.header(), "{name}");
        let rows: Vec<Vec<String>> = (0..back.rows)
            .map(|r| {
                back.columns
                    .iter()
                    .map(|c| c.value(r).unwrap().to_owned())
                    .collect()
            })
            .collect();
        assert_eq!(rows, engine_rows(&outcome), "{name}");
        // Nothing but the output is left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "{name}");
    }
}

#[test]
fn empty_cells_are_nulls_in_jsonl_and_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.data");
    run_files(
        &fixture("people.csv"),
        &fixture("people.toml"),
        &out,
        &options(None, Some(OutputFormat::JsonLines)),
    )
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["年龄", "地区", "性别", "诊断"], "column order kept");
    assert!(text.contains("\"诊断\":null"), "{text}");

    let out = dir.path().join("out.parquet");
    run_files(
        &fixture("people.csv"),
        &fixture("people.toml"),
        &out,
        &options(None, None),
    )
    .unwrap();
    let file = std::fs::File::open(&out).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let nulls: usize = reader
        .map(|b| {
            let b = b.unwrap();
            b.column(b.schema().index_of("诊断").unwrap()).null_count()
        })
        .sum();
    assert_eq!(nulls, 1);
}

#[test]
fn workbook_with_two_sheets_needs_one_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let run = |sheet| {
        run_files(
            &fixture("people.xlsx"),
            &fixture("people.toml"),
            &out,
            &options(sheet, None),
        )
        .unwrap_err()
        .to_string()
    };
    let e = run(None);
    assert!(
        e.contains("people.xlsx` has 2 worksheets; say which one"),
        "{e}"
    );
    let e = run(Some("nope"));
    assert!(e.contains("has no worksheet `nope`"), "{e}");
    let e = run_files(
        &fixture("people.csv"),
        &fixture("people.toml"),
        &out,
        &options(Some("people"), None),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("not a workbook"), "{e}");
    assert!(!out.exists());
}

#[test]
fn unknown_formats_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.xyz");
    let e = run_files(
        &fixture("people.csv"),
        &fixture("people.toml"),
        &out,
        &options(None, None),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("cannot tell the output format"), "{e}");
    let input = dir.path().join("people.dat");
    std::fs::copy(fixture("people.csv"), &input).unwrap();
    let e = run_files(
        &input,
        &fixture("people.toml"),
        &dir.path().join("o.csv"),
        &options(None, None),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("cannot tell the format of"), "{e}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn ragged_csv_names_the_line_and_no_value() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "年龄,性别\n30,男\nsecret-value\n").unwrap();
    let e = read_table(&input, &InputOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3"), "{e}");
    assert!(!e.contains("secret-value"), "{e}");
}

/// Rewrites the non-CSV fixtures from `people.csv`. Run by hand after editing it.
#[test]
#[ignore = "regenerates fixtures"]
fn regenerate_format_fixtures() {
    use arrow::array::{ArrayRef, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::record_batch::RecordBatch;

    let mut reader = csv::Reader::from_path(fixture("people.csv")).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let age = header.iter().position(|h| h == "年龄").unwrap();

    let mut tsv = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .from_path(fixture("people.tsv"))
        .unwrap();
    tsv.write_record(&header).unwrap();
    for r in &rows {
        tsv.write_record(r).unwrap();
    }
    tsv.flush().unwrap();

    let text = std::fs::read_to_string(fixture("people.csv")).unwrap();
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    std::fs::write(fixture("people.gbk.csv"), gbk).unwrap();

    let mut jsonl = String::new();
    for r in &rows {
        let mut object = serde_json::Map::new();
        for (h, v) in header.iter().zip(r) {
            let value = if v.is_empty() {
                serde_json::Value::Null
            } else if *h == header[age] {
                serde_json::Value::from(v.parse::<i64>().unwrap())
            } else {
                serde_json::Value::from(v.as_str())
            };
            object.insert(h.clone(), value);
        }
        jsonl.push_str(&serde_json::to_string(&object).unwrap());
        jsonl.push('\n');
    }
    std::fs::write(fixture("people.jsonl"), jsonl).unwrap();

    let fields: Vec<Field> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let t = if i == age {
                DataType::Int64
            } else {
                DataType::Utf8
            };
            Field::new(h.as_str(), t, true)
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let arrays: Vec<ArrayRef> = (0..header.len())
        .map(|i| {
            if i == age {
                Arc::new(Int64Array::from_iter(
                    rows.iter().map(|r| r[i].parse::<i64>().ok()),
                )) as ArrayRef
            } else {
                Arc::new(StringArray::from_iter(
                    rows.iter()
                        .map(|r| (!r[i].is_empty()).then_some(r[i].as_str())),
                )) as ArrayRef
            }
        })
        .collect();
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    let file = std::fs::File::create(fixture("people.parquet")).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("people").unwrap();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            if c as usize == age {
                sheet.write_number(r, c, v.parse::<f64>().unwrap()).unwrap();
            } else if !v.is_empty() {
                sheet.write_string(r, c, v).unwrap();
            }
        }
    }
    let notes = book.add_worksheet();
    notes.set_name("notes").unwrap();
    notes
        .write_string(0, 0, "synthetic data, no real people")
        .unwrap();
    book.save(fixture("people.xlsx")).unwrap();
}
