//! Reader tests: every format and encoding on small generated files, and every kind of bad
//! input named with its file, line or row, and reason.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions"
)]

use std::path::Path;

use arrow::array::{Array, AsArray};
use freeport_read::{
    Format, Input, Location, ReadErrorKind, ReadOptions, Source, TextEncoding, discover, open,
};

fn input(path: &Path, format: Format) -> Input {
    Input {
        source: Source::File(path.to_path_buf()),
        format,
        sheet: None,
    }
}

/// Every value of every column, `None` for nulls, with the column names.
fn read_all(input: &Input, options: &ReadOptions) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    let mut reader = open(input, options).unwrap();
    let schema = reader.schema();
    let names = schema.fields().iter().map(|f| f.name().clone()).collect();
    let mut rows = Vec::new();
    while let Some(batch) = reader.next_batch().unwrap() {
        assert_eq!(batch.schema(), schema);
        for row in 0..batch.num_rows() {
            rows.push(
                batch
                    .columns()
                    .iter()
                    .map(|column| {
                        let strings = column.as_string::<i32>();
                        (!strings.is_null(row)).then(|| strings.value(row).to_owned())
                    })
                    .collect(),
            );
        }
    }
    (names, rows)
}

/// The first error opening or reading `input` to its end.
fn first_error(input: &Input) -> freeport_read::ReadError {
    match open(input, &ReadOptions::default()) {
        Err(error) => error,
        Ok(mut reader) => loop {
            match reader.next_batch() {
                Err(error) => break error,
                Ok(Some(_)) => {}
                Ok(None) => panic!("no error"),
            }
        },
    }
}

fn s(values: &[&str]) -> Vec<Option<String>> {
    values
        .iter()
        .map(|v| (!v.is_empty()).then(|| (*v).to_owned()))
        .collect()
}

const TEXT: &str = "姓名,身份证号,city\n张三,11010519491231002X,北京\n李四,,上海\n";

#[test]
fn csv_utf8_bom_and_gbk_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let utf8 = dir.path().join("utf8.csv");
    let bom = dir.path().join("bom.csv");
    let gbk = dir.path().join("gbk.csv");
    std::fs::write(&utf8, TEXT).unwrap();
    std::fs::write(&bom, [b"\xef\xbb\xbf".as_slice(), TEXT.as_bytes()].concat()).unwrap();
    std::fs::write(&gbk, encoding_rs::GBK.encode(TEXT).0).unwrap();
    let options = ReadOptions::default();
    let expected = (
        vec!["姓名".to_owned(), "身份证号".to_owned(), "city".to_owned()],
        vec![
            s(&["张三", "11010519491231002X", "北京"]),
            s(&["李四", "", "上海"]),
        ],
    );
    for (path, encoding) in [(&utf8, "UTF-8"), (&bom, "UTF-8"), (&gbk, "gb18030")] {
        let input = input(path, Format::Csv);
        assert_eq!(read_all(&input, &options), expected, "{}", path.display());
        let reader = open(&input, &options).unwrap();
        assert_eq!(reader.info().encoding, Some(encoding));
    }
}

#[test]
fn gbk_csv_larger_than_a_chunk_streams_in_batches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut text = String::from("姓名,地址\n");
    for i in 0..20_000 {
        text.push_str(&format!("张{i},北京市朝阳区建国路{i}号\n"));
    }
    std::fs::write(&path, encoding_rs::GBK.encode(&text).0).unwrap();
    let options = ReadOptions {
        batch_rows: 1000,
        ..ReadOptions::default()
    };
    let (_, rows) = read_all(&input(&path, Format::Csv), &options);
    assert_eq!(rows.len(), 20_000);
    assert_eq!(rows[19_999], s(&["张19999", "北京市朝阳区建国路19999号"]));
}

#[test]
fn encoding_override_wins_over_detection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gbk.csv");
    std::fs::write(&path, encoding_rs::GBK.encode(TEXT).0).unwrap();
    let options = ReadOptions {
        encoding: Some(TextEncoding::UTF_8),
        ..ReadOptions::default()
    };
    let error = open(&input(&path, Format::Csv), &options).unwrap_err();
    assert!(matches!(error.kind(), ReadErrorKind::Encoding("UTF-8")));
    assert_eq!(error.location(), Location::Line(1));
}

#[test]
fn invalid_gbk_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    let mut bytes = encoding_rs::GBK.encode(TEXT).0.into_owned();
    bytes.extend_from_slice(b"x,\xff\xff,y\n");
    std::fs::write(&path, &bytes).unwrap();
    // Decoding runs ahead of parsing, so a small file fails as it opens.
    let error = first_error(&input(&path, Format::Csv));
    assert_eq!(error.location(), Location::Line(4));
    assert!(error.to_string().contains("bad.csv"), "{error}");
    assert!(error.to_string().contains("line 4"), "{error}");
}

#[test]
fn ragged_row_names_its_line_and_no_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ragged.csv");
    std::fs::write(&path, "a,b\n1,2\n3,4\nsecret-value\n").unwrap();
    let mut reader = open(&input(&path, Format::Csv), &ReadOptions::default()).unwrap();
    let error = reader.next_batch().unwrap_err();
    assert!(matches!(
        error.kind(),
        ReadErrorKind::Ragged {
            expected: 2,
            found: 1
        }
    ));
    assert_eq!(error.location(), Location::Line(4));
    let message = format!("{error}");
    assert_eq!(
        message,
        format!(
            "cannot read `{}` at line 4: row has 1 fields but the header has 2",
            path.display()
        )
    );
    assert!(!message.contains("secret"));
}

#[test]
fn tsv_and_sniffed_semicolons() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("a.tsv");
    let semi = dir.path().join("b.csv");
    std::fs::write(&tsv, "a\tb\n1,5\t2\n").unwrap();
    std::fs::write(&semi, "a;b\n1,5;2\n").unwrap();
    let options = ReadOptions::default();
    assert_eq!(
        read_all(&input(&tsv, Format::Tsv), &options).1,
        vec![s(&["1,5", "2"])]
    );
    assert_eq!(
        read_all(&input(&semi, Format::Csv), &options).1,
        vec![s(&["1,5", "2"])]
    );
}

#[test]
fn json_lines_union_of_keys_flattened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.jsonl");
    std::fs::write(
        &path,
        "{\"name\":\"Ann\",\"age\":41,\"address\":{\"city\":\"Boston\"}}\n\n{\"name\":null,\"tags\":[1,2],\"phone\":\"555\"}\n",
    )
    .unwrap();
    let (names, rows) = read_all(&input(&path, Format::JsonLines), &ReadOptions::default());
    // Columns follow the file: keys in order of first appearance, line by line.
    assert_eq!(names, ["name", "age", "address.city", "tags", "phone"]);
    assert_eq!(rows[0], s(&["Ann", "41", "Boston", "", ""]));
    assert_eq!(rows[1], s(&["", "", "", "[1,2]", "555"]));
}

#[test]
fn json_lines_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl");
    std::fs::write(&path, "{\"a\":1}\n[1]\n").unwrap();
    let error = open(&input(&path, Format::JsonLines), &ReadOptions::default()).unwrap_err();
    assert_eq!(error.location(), Location::Line(2));
    assert!(matches!(error.kind(), ReadErrorKind::NotAnObject));
    std::fs::write(&path, "{\"a\":1}\n{\"a\": \"secret\n").unwrap();
    let error = open(&input(&path, Format::JsonLines), &ReadOptions::default()).unwrap_err();
    assert_eq!(error.location(), Location::Line(2));
    assert!(!error.to_string().contains("secret"), "{error}");
}

#[test]
fn parquet_columns_of_any_type_become_text() {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Int64Array, StringArray};
    use arrow::record_batch::RecordBatch;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.parquet");
    let batch = RecordBatch::try_from_iter([
        (
            "phone",
            Arc::new(StringArray::from(vec![Some("13812345678"), None])) as ArrayRef,
        ),
        (
            "n",
            Arc::new(Int64Array::from(vec![Some(7), Some(-1)])) as ArrayRef,
        ),
    ])
    .unwrap();
    let file = std::fs::File::create(&path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let (names, rows) = read_all(&input(&path, Format::Parquet), &ReadOptions::default());
    assert_eq!(names, ["phone", "n"]);
    assert_eq!(rows, vec![s(&["13812345678", "7"]), s(&["", "-1"])]);

    let corrupt = dir.path().join("corrupt.parquet");
    std::fs::write(&corrupt, b"PAR1 not really parquet").unwrap();
    let error = open(&input(&corrupt, Format::Parquet), &ReadOptions::default()).unwrap_err();
    assert!(matches!(error.kind(), ReadErrorKind::Parquet(_)), "{error}");
}

#[test]
fn spreadsheets_one_input_per_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet().set_name("people").unwrap();
    sheet.write_string(0, 0, "name").unwrap();
    sheet.write_string(0, 1, "phone").unwrap();
    sheet.write_string(1, 0, "Ann").unwrap();
    sheet.write_number(1, 1, 13_812_345_678.0).unwrap();
    sheet.write_string(2, 0, "Bo").unwrap();
    let other = workbook.add_worksheet().set_name("empty-ish").unwrap();
    other.write_string(0, 0, "x").unwrap();
    workbook.save(&path).unwrap();

    let (inputs, errors) = discover(&[path.to_str().unwrap()]);
    assert!(errors.is_empty());
    assert_eq!(inputs.len(), 2);
    assert_eq!(
        inputs[0].display_name(),
        format!("{}#people", path.display())
    );
    let (names, rows) = read_all(&inputs[0], &ReadOptions::default());
    assert_eq!(names, ["name", "phone"]);
    assert_eq!(rows, vec![s(&["Ann", "13812345678"]), s(&["Bo", ""])]);

    let corrupt = dir.path().join("corrupt.xlsx");
    std::fs::write(&corrupt, b"not a zip").unwrap();
    let (_, errors) = discover(&[corrupt.to_str().unwrap()]);
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0].kind(), ReadErrorKind::Spreadsheet(_)));
}

#[test]
fn discovery_walks_directories_and_globs_in_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sub/.hidden")).unwrap();
    for name in [
        "b.csv",
        "a.jsonl",
        "sub/c.tsv",
        "README.md",
        "sub/.hidden/x.csv",
    ] {
        std::fs::write(dir.path().join(name), "a\n1\n").unwrap();
    }
    let root = dir.path().to_str().unwrap();
    let (inputs, errors) = discover(&[root]);
    assert!(errors.is_empty());
    let names: Vec<String> = inputs.iter().map(Input::display_name).collect();
    assert_eq!(
        names,
        [
            format!("{root}/a.jsonl"),
            format!("{root}/b.csv"),
            format!("{root}/sub/c.tsv")
        ]
    );
    let (inputs, _) = discover(&[format!("{root}/*.csv")]);
    assert_eq!(inputs.len(), 1);
    let (inputs, errors) = discover(&[
        format!("{root}/README.md"),
        format!("{root}/nope.csv"),
        format!("{root}/*.xyz"),
    ]);
    assert!(inputs.is_empty());
    assert_eq!(errors.len(), 3);
    assert!(matches!(errors[0].kind(), ReadErrorKind::Unsupported(_)));
    assert!(matches!(errors[1].kind(), ReadErrorKind::NotFound));
    assert!(matches!(errors[2].kind(), ReadErrorKind::NotFound));
}

#[test]
fn inputs_are_never_modified() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.csv");
    std::fs::write(&path, TEXT).unwrap();
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    let _ = read_all(&input(&path, Format::Csv), &ReadOptions::default());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TEXT);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any table of Chinese and ASCII text written as GBK CSV reads back exactly, whatever
        /// the batch size.
        #[test]
        fn gbk_round_trip(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-z0-9张李王北京上海 ]{1,12}", 3), 1..50),
            batch_rows in 1usize..20,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("p.csv");
            let mut text = String::from("a,b,c\n");
            for row in &rows {
                text.push_str(&row.join(","));
                text.push('\n');
            }
            std::fs::write(&path, encoding_rs::GBK.encode(&text).0).unwrap();
            let options = ReadOptions { batch_rows, ..ReadOptions::default() };
            let (_, read) = read_all(&input(&path, Format::Csv), &options);
            let expected: Vec<Vec<Option<String>>> = rows
                .iter()
                .map(|row| row.iter().map(|v| Some(v.clone())).collect())
                .collect();
            prop_assert_eq!(read, expected);
        }
    }
}

#[test]
fn invalid_utf8_after_the_sniffed_prefix_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.csv");
    let mut bytes = b"name,city\n".to_vec();
    for i in 0..10_000 {
        bytes.extend_from_slice(format!("张{i},北京\n").as_bytes());
    }
    bytes.extend_from_slice(b"x,\xc3\x28\n");
    std::fs::write(&path, &bytes).unwrap();
    let error = first_error(&input(&path, Format::Csv));
    assert!(
        matches!(error.kind(), ReadErrorKind::Encoding("UTF-8")),
        "{error}"
    );
    assert_eq!(error.location(), Location::Line(10_002));
}

/// Every batch of a CSV read with `threads` parse threads: row counts and values.
fn batches(path: &Path, batch_rows: usize, threads: usize) -> Vec<Vec<Vec<Option<String>>>> {
    let options = ReadOptions {
        batch_rows,
        threads,
        ..ReadOptions::default()
    };
    let mut reader = open(&input(path, Format::Csv), &options).unwrap();
    let mut out = Vec::new();
    while let Some(batch) = reader.next_batch().unwrap() {
        let rows = (0..batch.num_rows())
            .map(|row| {
                batch
                    .columns()
                    .iter()
                    .map(|c| {
                        let c = c.as_string::<i32>();
                        (!c.is_null(row)).then(|| c.value(row).to_owned())
                    })
                    .collect()
            })
            .collect();
        out.push(rows);
    }
    out
}

#[test]
fn parallel_csv_gives_the_same_batches_as_one_thread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quoted.csv");
    let mut text = String::from("id,note,\"multi\nline header\"\r\n");
    for i in 0..5_000 {
        match i % 5 {
            0 => text.push_str(&format!("{i},\"say \"\"hi\"\"\nnext line\",x\r\n")),
            1 => text.push_str(&format!("{i},plain,\"a,b\"\n")),
            2 => text.push_str(&format!("{i},ab\"c,\n\n")),
            3 => text.push_str(&format!("{i},\"\",\"\r\n\"\r")),
            _ => text.push_str(&format!("{i},中文,\"北京\"\n")),
        }
    }
    std::fs::write(&path, &text).unwrap();
    let one = batches(&path, 100, 1);
    assert_eq!(one.iter().map(Vec::len).sum::<usize>(), 5_000);
    assert_eq!(one[0][0][1].as_deref(), Some("say \"hi\"\nnext line"));
    assert_eq!(one[0][3][2].as_deref(), Some("\r\n"));
    for threads in [2, 3, 8] {
        assert_eq!(batches(&path, 100, threads), one, "{threads} threads");
    }
    // The header's quoted line break is part of its name.
    let reader = open(&input(&path, Format::Csv), &ReadOptions::default()).unwrap();
    assert_eq!(reader.schema().field(2).name(), "multi\nline header");
}

/// The first error in file order, with `threads` parse threads.
fn first_error_with(path: &Path, threads: usize) -> freeport_read::ReadError {
    let options = ReadOptions {
        batch_rows: 64,
        threads,
        ..ReadOptions::default()
    };
    let mut reader = open(&input(path, Format::Csv), &options).unwrap();
    loop {
        match reader.next_batch() {
            Err(error) => break error,
            Ok(Some(_)) => {}
            Ok(None) => panic!("no error"),
        }
    }
}

#[test]
fn errors_deep_in_a_file_name_the_same_line_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    // A ragged row at line 5,002 and an invalid GBK byte after it, in the same chunk: the
    // ragged row comes first in the file, so it is the error.
    let path = dir.path().join("late.csv");
    let mut text = String::from("姓名,城市\n");
    for i in 0..5_000 {
        text.push_str(&format!("张{i},北京\n"));
    }
    text.push_str("only-one-field\n");
    let mut bytes = encoding_rs::GBK.encode(&text).0.into_owned();
    bytes.extend_from_slice(b"x,\xff\xff\n");
    std::fs::write(&path, &bytes).unwrap();
    for threads in [1, 2, 4] {
        let error = first_error_with(&path, threads);
        assert!(
            matches!(error.kind(), ReadErrorKind::Ragged { .. }),
            "{error}"
        );
        assert_eq!(error.location(), Location::Line(5_002), "{threads} threads");
    }
    // Without the ragged row, the invalid byte's own line.
    let mut bytes = encoding_rs::GBK
        .encode(&text.replace("only-one-field\n", "a,b\n"))
        .0
        .into_owned();
    bytes.extend_from_slice(b"x,\xff\xff\n");
    std::fs::write(&path, &bytes).unwrap();
    for threads in [1, 2, 4] {
        let error = first_error_with(&path, threads);
        assert!(
            matches!(error.kind(), ReadErrorKind::Encoding("gb18030")),
            "{error}"
        );
        assert_eq!(error.location(), Location::Line(5_003), "{threads} threads");
    }
}

#[test]
fn gbk_with_a_pipe_delimiter_is_decoded_before_it_is_cut() {
    // 0x7C (`|`) is also a GB18030 trail byte: `亅` is 0x81 0x7C.
    let text = "名|值\n亅\"|\"x|y\"\n亅|z\n";
    let (bytes, _, errors) = encoding_rs::GB18030.encode(text);
    assert!(!errors);
    assert!(bytes.windows(2).any(|w| w == [0x81, 0x7c]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pipe.csv");
    std::fs::write(&path, &bytes).unwrap();
    for threads in [1, 2] {
        let options = ReadOptions {
            batch_rows: 1,
            threads,
            delimiter: Some(b'|'),
            ..ReadOptions::default()
        };
        let (_, rows) = read_all(&input(&path, Format::Csv), &options);
        assert_eq!(rows, vec![s(&["亅\"", "x|y"]), s(&["亅", "z"])]);
    }
}

#[test]
fn spreadsheet_dates_read_as_dates_not_serials() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dates.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet().set_name("s").unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let stamp = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    sheet.write_string(0, 0, "dob").unwrap();
    sheet.write_string(0, 1, "seen").unwrap();
    sheet.write_string(0, 2, "n").unwrap();
    let dob = rust_xlsxwriter::ExcelDateTime::from_ymd(1990, 1, 2).unwrap();
    let seen = rust_xlsxwriter::ExcelDateTime::parse_from_str("2024-03-04 05:06:07").unwrap();
    sheet.write_datetime_with_format(1, 0, &dob, &date).unwrap();
    sheet
        .write_datetime_with_format(1, 1, &seen, &stamp)
        .unwrap();
    sheet.write_number(1, 2, 32_875.0).unwrap();
    workbook.save(&path).unwrap();
    let (inputs, _) = discover(&[path.to_str().unwrap()]);
    let (_, rows) = read_all(&inputs[0], &ReadOptions::default());
    // A plain number stays a number, even one that is also a plausible serial.
    assert_eq!(
        rows,
        vec![s(&["1990-01-02", "2024-03-04 05:06:07", "32875"])]
    );
}

#[test]
fn json_lines_keys_that_appear_late_still_become_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.jsonl");
    let mut text = String::new();
    for i in 0..3_000 {
        text.push_str(&format!("{{\"id\":{i}}}\n"));
    }
    text.push_str("{\"id\":3000,\"email\":\"a@example.com\",\"a.b\":1,\"a\":{\"b\":2}}\n");
    std::fs::write(&path, &text).unwrap();
    let options = ReadOptions {
        batch_rows: 1000,
        ..ReadOptions::default()
    };
    let (names, rows) = read_all(&input(&path, Format::JsonLines), &options);
    assert_eq!(names, ["id", "email", "a.b"]);
    assert_eq!(rows.len(), 3_001);
    assert_eq!(rows[0], s(&["0", "", ""]));
    // A key flattened twice in one object keeps its first value.
    assert_eq!(rows[3_000], s(&["3000", "a@example.com", "1"]));
}

/// Issue 15 #8: a UTF-8 file with one bad byte on line 251 was reported as "line 1: not valid
/// gb18030" (the sniffed prefix held the bad byte, so the file was taken as GB18030).
#[test]
fn one_bad_byte_in_utf8_is_reported_on_its_line_as_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stray.csv");
    let mut bytes = "姓名,城市,备注\n".as_bytes().to_vec();
    for i in 2..251 {
        bytes.extend_from_slice(format!("张{i},北京,已联系\n").as_bytes());
    }
    bytes.extend_from_slice("李四,上海,".as_bytes());
    bytes.push(0xff);
    bytes.extend_from_slice("未联系\n".as_bytes());
    for i in 252..300 {
        bytes.extend_from_slice(format!("王{i},广州,无\n").as_bytes());
    }
    std::fs::write(&path, &bytes).unwrap();
    for threads in [1, 2] {
        let error = first_error_with(&path, threads);
        assert!(
            matches!(error.kind(), ReadErrorKind::Encoding("UTF-8")),
            "{error}"
        );
        assert_eq!(error.location(), Location::Line(251), "{error}");
        assert!(!error.to_string().contains("李四"));
    }
}

/// Issue 15 #2: without a header row, columns are `column_1..n` and the first row is data.
#[test]
fn no_header_names_columns_by_position_and_keeps_the_first_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("headerless.csv");
    std::fs::write(&path, "张三,13812345678\n李四,13912345678\n").unwrap();
    for threads in [1, 2] {
        let options = ReadOptions {
            header: false,
            threads,
            batch_rows: 1,
            ..ReadOptions::default()
        };
        let (names, rows) = read_all(&input(&path, Format::Csv), &options);
        assert_eq!(names, ["column_1", "column_2"]);
        assert_eq!(
            rows,
            [s(&["张三", "13812345678"]), s(&["李四", "13912345678"])]
        );
    }
}

#[test]
fn skipped_rows_put_the_header_further_down() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("titled.csv");
    std::fs::write(&path, "客户名单 2026\n\n姓名,手机\n张三,13812345678\n").unwrap();
    let options = ReadOptions {
        skip_rows: 1,
        ..ReadOptions::default()
    };
    let (names, rows) = read_all(&input(&path, Format::Csv), &options);
    assert_eq!(names, ["姓名", "手机"]);
    assert_eq!(rows, [s(&["张三", "13812345678"])]);
    // A ragged row further down still names its physical line.
    std::fs::write(&path, "title\nname,phone\na,1\nb\n").unwrap();
    let mut reader = open(&input(&path, Format::Csv), &options).unwrap();
    let error = loop {
        match reader.next_batch() {
            Err(error) => break error,
            Ok(Some(_)) => {}
            Ok(None) => panic!("no error"),
        }
    };
    assert_eq!(error.location(), Location::Line(4));
}

#[test]
fn spreadsheets_without_a_header_or_with_a_title_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "张三").unwrap();
    sheet.write_string(0, 1, "13812345678").unwrap();
    sheet.write_string(1, 0, "李四").unwrap();
    sheet.write_string(1, 1, "13912345678").unwrap();
    workbook.save(&path).unwrap();
    let (inputs, _) = discover(&[path.display().to_string()]);
    let options = ReadOptions {
        header: false,
        ..ReadOptions::default()
    };
    let (names, rows) = read_all(&inputs[0], &options);
    assert_eq!(names, ["column_1", "column_2"]);
    assert_eq!(rows.len(), 2);
    let options = ReadOptions {
        skip_rows: 1,
        ..ReadOptions::default()
    };
    let (names, rows) = read_all(&inputs[0], &options);
    assert_eq!(names, ["李四", "13912345678"]);
    assert!(rows.is_empty());
}

/// Issue 15 #9: scanning an empty directory passed silently.
#[test]
fn a_directory_with_nothing_to_read_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.docx"), "x").unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    for path in [dir.path().to_path_buf(), dir.path().join("empty")] {
        let (inputs, errors) = discover(&[path.display().to_string()]);
        assert!(inputs.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(matches!(errors[0].kind(), ReadErrorKind::EmptyDirectory));
    }
}

/// Issue 16 #4: arrays of objects were kept as JSON text, so `orders[].pay_card` was never
/// read as a column.
#[test]
fn json_arrays_of_objects_spread_over_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested.jsonl");
    std::fs::write(
        &path,
        concat!(
            "{\"id\":\"u1\",\"orders\":[{\"pay_card\":\"4111111111111111\",\"items\":[1,2]},{\"pay_card\":\"5500000000000004\"}],\"phones\":[\"13812345678\"]}\n",
            "{\"id\":\"u2\",\"orders\":[],\"loc\":[121.4,31.2]}\n",
        ),
    )
    .unwrap();
    let (names, rows) = read_all(&input(&path, Format::JsonLines), &ReadOptions::default());
    assert_eq!(
        names,
        [
            "id",
            "orders[].pay_card",
            "orders[].items",
            "phones[]",
            "orders",
            "loc"
        ]
    );
    assert_eq!(
        rows,
        [
            s(&["u1", "4111111111111111", "[1,2]", "13812345678", "", ""]),
            s(&["u1", "5500000000000004", "", "", "", ""]),
            s(&["u2", "", "", "", "[]", "[121.4,31.2]"]),
        ]
    );
}
