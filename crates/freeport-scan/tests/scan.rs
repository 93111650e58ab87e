//! Scan tests over the committed fixtures: every format and encoding, exact subject counts,
//! determinism across thread counts, salted hashes, sampling, and failing inputs.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions"
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use freeport_scan::{DatasetReport, NoProgress, ScanOptions, ScanReport, scan_paths};
use hmac::{Hmac, KeyInit, Mac};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Writes the Parquet and XLSX fixtures when they are missing (or `UPDATE_FIXTURES=1`); the
/// text fixtures are committed as bytes.
pub fn ensure_binary_fixtures() {
    use arrow::array::{ArrayRef, Float64Array, StringArray};
    use arrow::record_batch::RecordBatch;
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let parquet_path = fixtures().join("devices.parquet");
    if update || !parquet_path.exists() {
        let emails: Vec<String> = (0..12)
            .map(|i| format!("user{}@example.com", i % 10))
            .collect();
        let ips: Vec<String> = (0..12).map(|i| format!("203.0.113.{}", 10 + i)).collect();
        let macs: Vec<String> = (0..12)
            .map(|i| format!("00:1a:2b:3c:4d:{:02x}", i % 4))
            .collect();
        let plates = [
            "京A12345",
            "沪B6789C",
            "粤BD12345",
            "浙A9X876",
            "苏E12345",
            "京N8P888",
            "川A23456",
            "鲁B34567",
            "京A12345",
            "沪B6789C",
            "粤BD12345",
            "浙A9X876",
        ];
        let amounts: Vec<f64> = (0..12).map(|i| 10.5 * f64::from(i)).collect();
        let batch = RecordBatch::try_from_iter([
            ("email", Arc::new(StringArray::from(emails)) as ArrayRef),
            ("ip_address", Arc::new(StringArray::from(ips)) as ArrayRef),
            ("mac", Arc::new(StringArray::from(macs)) as ArrayRef),
            (
                "车牌号",
                Arc::new(StringArray::from(plates.to_vec())) as ArrayRef,
            ),
            ("amount", Arc::new(Float64Array::from(amounts)) as ArrayRef),
        ])
        .unwrap();
        let file = std::fs::File::create(&parquet_path).unwrap();
        let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }
    let xlsx_path = fixtures().join("contacts.xlsx");
    if update || !xlsx_path.exists() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet().set_name("联系人").unwrap();
        let rows = [
            ("姓名", "手机号", "邮编"),
            ("王伟", "13812345678", "100020"),
            ("李娜", "13987654321", "200030"),
            ("张敏", "15012345678", "510000"),
            ("刘洋", "18612345678", "310000"),
            ("陈静", "13712345670", "100020"),
            ("王伟", "13812345678", "100020"),
        ];
        for (r, (a, b, c)) in rows.iter().enumerate() {
            let r = u32::try_from(r).unwrap();
            sheet.write_string(r, 0, *a).unwrap();
            if r == 0 {
                sheet.write_string(r, 1, *b).unwrap();
            } else {
                // Phone numbers typed into Excel become numbers; they must keep every digit.
                sheet.write_number(r, 1, b.parse::<f64>().unwrap()).unwrap();
            }
            sheet.write_string(r, 2, *c).unwrap();
        }
        workbook.save(&xlsx_path).unwrap();
    }
}

/// Every good fixture (the `bad/` directory holds failing inputs).
fn good() -> Vec<PathBuf> {
    [
        "cn_customers_gbk.csv",
        "cn_customers_bom.csv",
        "cn_customers.tsv",
        "contacts.xlsx",
        "devices.parquet",
        "us_patients.jsonl",
    ]
    .iter()
    .map(|name| fixtures().join(name))
    .collect()
}

fn scan_good(options: &ScanOptions) -> ScanReport {
    let paths = good();
    let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    scan(&paths, options)
}

fn scan(paths: &[&Path], options: &ScanOptions) -> ScanReport {
    ensure_binary_fixtures();
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    scan_paths(&paths, options, &NoProgress)
}

fn dataset<'a>(report: &'a ScanReport, suffix: &str) -> &'a DatasetReport {
    report
        .datasets
        .iter()
        .find(|d| d.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no dataset {suffix}"))
}

fn category<'a>(dataset: &'a DatasetReport, column: &str) -> Option<&'a str> {
    dataset
        .columns
        .iter()
        .find(|c| c.name == column)
        .unwrap()
        .category
        .as_deref()
}

#[test]
fn gbk_bom_and_tsv_exports_scan_alike_with_exact_subject_counts() {
    let report = scan_good(&ScanOptions::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    for name in [
        "cn_customers_gbk.csv",
        "cn_customers_bom.csv",
        "cn_customers.tsv",
    ] {
        let d = dataset(&report, name);
        assert_eq!(d.rows, 14, "{name}");
        assert_eq!(category(d, "身份证号"), Some("id.cn.resident_id"), "{name}");
        assert_eq!(category(d, "手机号"), Some("contact.phone"), "{name}");
        assert_eq!(category(d, "订单号"), None, "{name}");
        let key = d.subject_key.as_ref().unwrap();
        assert_eq!(
            (key.column.as_str(), key.category.as_str()),
            ("身份证号", "id.cn.resident_id")
        );
        // 14 rows, two of them repeat visits: 12 people.
        assert_eq!(d.subjects.get("id.cn.resident_id"), Some(&12), "{name}");
        assert_eq!(d.subjects.get("contact.phone"), Some(&12), "{name}");
        assert_eq!(d.unkeyed_rows, 0);
    }
    assert_eq!(
        dataset(&report, "cn_customers_gbk.csv").encoding.as_deref(),
        Some("gb18030")
    );
    assert_eq!(
        dataset(&report, "cn_customers_bom.csv").encoding.as_deref(),
        Some("UTF-8")
    );
    assert_eq!(
        dataset(&report, "cn_customers.tsv").delimiter.as_deref(),
        Some("\t")
    );
}

#[test]
fn json_lines_counts_people_and_devices_under_precise_location() {
    let report = scan(
        &[&fixtures().join("us_patients.jsonl")],
        &ScanOptions::default(),
    );
    let d = dataset(&report, "us_patients.jsonl");
    assert_eq!(d.rows, 10);
    assert_eq!(category(d, "ssn"), Some("id.us.ssn"));
    assert_eq!(d.subject_key.as_ref().unwrap().category, "id.us.ssn");
    assert_eq!(d.subjects.get("id.us.ssn"), Some(&10));
    let device = d.device_key.as_ref().unwrap();
    assert_eq!(device.column, "imei");
    if category(d, "visit.lat") == Some("location.precise") {
        // Ten patients share three phones: devices are counted by IMEI.
        assert_eq!(d.devices.get("location.precise"), Some(&3));
    }
}

#[test]
fn spreadsheet_and_parquet_are_scanned() {
    let report = scan_good(&ScanOptions::default());
    let sheet = dataset(&report, "contacts.xlsx#联系人");
    assert_eq!(sheet.rows, 6);
    assert_eq!(category(sheet, "手机号"), Some("contact.phone"));
    assert_eq!(sheet.subjects.get("contact.phone"), Some(&5));
    let parquet = dataset(&report, "devices.parquet");
    assert_eq!(parquet.rows, 12);
    assert_eq!(category(parquet, "email"), Some("contact.email"));
    assert_eq!(category(parquet, "amount"), None);
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let json = |threads| {
        let options = ScanOptions {
            threads,
            ..ScanOptions::default()
        };
        serde_json::to_string(&scan_good(&options)).unwrap()
    };
    let one = json(1);
    assert_eq!(one, json(2));
    assert_eq!(one, json(3));
}

#[test]
fn no_raw_value_reaches_the_report_even_with_examples() {
    let options = ScanOptions {
        show_examples: true,
        ..ScanOptions::default()
    };
    let report = scan_good(&options);
    let json = serde_json::to_string(&report).unwrap();
    for raw in [
        "510107196309166445",
        "13917421809",
        "043-46-5452",
        "4609410298546720",
        "13812345678",
    ] {
        assert!(!json.contains(raw), "{raw} leaked");
    }
    let d = dataset(&report, "cn_customers_gbk.csv");
    let id = d.columns.iter().find(|c| c.name == "身份证号").unwrap();
    assert_eq!(
        id.examples.first().map(String::as_str),
        Some("510107********6445")
    );
}

#[test]
fn salted_hashes_are_hmac_sha256_of_the_normalised_key() {
    let options = ScanOptions {
        salt: Some(b"exporter-salt".to_vec()),
        ..ScanOptions::default()
    };
    let report = scan(&[&fixtures().join("cn_customers_gbk.csv")], &options);
    let d = &report.datasets[0];
    let salted = d.salted.as_ref().unwrap();
    let hashes = &salted.subjects["id.cn.resident_id"];
    assert_eq!(hashes.len(), 12);
    // Every category's hashes come out sorted and distinct (one sort shared by all of them).
    assert!(salted.subjects.len() > 1, "{:?}", salted.subjects.keys());
    for (category, hashes) in &salted.subjects {
        assert!(hashes.windows(2).all(|w| w[0] < w[1]), "{category}");
    }
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"exporter-salt").unwrap();
    mac.update(b"510107196309166445");
    let digest = mac.finalize().into_bytes();
    let expected = u128::from_be_bytes(digest[..16].try_into().unwrap());
    assert!(hashes.contains(&expected));
    // Salted hashes never go into the JSON report.
    assert!(
        !serde_json::to_string(&report)
            .unwrap()
            .contains(&expected.to_string())
    );
}

/// Under the SipHash scheme (the store's for new salts) the hash is SipHash-2-4 keyed with the
/// salt's first 16 bytes, over the same normalised key.
#[test]
fn salted_hashes_under_siphash_are_siphash24_of_the_normalised_key() {
    use siphasher::sip128::Hasher128 as _;
    use std::hash::Hasher as _;
    let salt: Vec<u8> = (0_u8..32).collect();
    let options = ScanOptions {
        salt: Some(salt),
        salt_scheme: freeport_scan::HashScheme::SipHash24,
        ..ScanOptions::default()
    };
    let report = scan(&[&fixtures().join("cn_customers_gbk.csv")], &options);
    let hashes = &report.datasets[0].salted.as_ref().unwrap().subjects["id.cn.resident_id"];
    assert_eq!(hashes.len(), 12);
    let mut reference =
        siphasher::sip128::SipHasher24::new_with_keys(0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908);
    reference.write(b"510107196309166445");
    assert!(hashes.contains(&reference.finish128().as_u128()));
}

#[test]
fn sample_stops_early_and_says_so() {
    let options = ScanOptions {
        sample_rows: Some(5),
        ..ScanOptions::default()
    };
    let report = scan(&[&fixtures().join("cn_customers_gbk.csv")], &options);
    let d = &report.datasets[0];
    assert_eq!(d.rows, 5);
    assert!(d.sampled);
    assert_eq!(d.subjects.get("id.cn.resident_id"), Some(&5));
    assert!(!d.warnings.is_empty());
    let whole = ScanOptions {
        sample_rows: Some(14),
        ..ScanOptions::default()
    };
    let report = scan(&[&fixtures().join("cn_customers_gbk.csv")], &whole);
    assert!(!report.datasets[0].sampled);
}

#[test]
fn failing_inputs_are_listed_and_the_rest_scanned() {
    let bad = fixtures().join("bad");
    let report = scan(
        &[
            &bad.join("ragged.csv"),
            &bad.join("notes.docx"),
            &fixtures().join("cn_customers_gbk.csv"),
        ],
        &ScanOptions::default(),
    );
    assert_eq!(report.datasets.len(), 1);
    assert_eq!(report.errors.len(), 2);
    // Discovery errors come first, then read errors, each in input order.
    let unsupported = &report.errors[0];
    assert!(unsupported.path.ends_with("notes.docx"));
    assert_eq!(unsupported.reason, "unsupported format `.docx`");
    let ragged = &report.errors[1];
    assert!(ragged.path.ends_with("ragged.csv"));
    assert_eq!(ragged.line, Some(3));
    assert_eq!(ragged.reason, "row has 1 fields but the header has 2");
}

/// Issue 15 #2: a headerless CSV made its first row the header, so a phone number and a name
/// reached the scan output (and, through assess, the unencrypted manifest).
#[test]
fn a_header_row_of_data_is_refused_and_no_header_names_columns_by_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("headerless.csv");
    let names = [
        "王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽",
    ];
    let mut text = String::new();
    for (i, name) in names.iter().enumerate() {
        text.push_str(&format!("{name},1381234567{i},北京\n"));
    }
    std::fs::write(&path, &text).unwrap();
    let report = scan(&[&path], &ScanOptions::default());
    assert!(report.datasets.is_empty());
    assert_eq!(report.errors.len(), 1);
    let message = &report.errors[0].message;
    assert!(message.contains("header row looks like data"), "{message}");
    let json = serde_json::to_string(&report).unwrap();
    for raw in ["王伟", "13812345670"] {
        assert!(!json.contains(raw), "{raw} leaked: {json}");
    }

    // A name alone above names (no validator fires on the header) is caught by its column.
    std::fs::write(&path, text.replace("13812345670", "x")).unwrap();
    let report = scan(&[&path], &ScanOptions::default());
    assert_eq!(report.errors.len(), 1, "{report:?}");
    assert!(!serde_json::to_string(&report).unwrap().contains("王伟"));

    std::fs::write(&path, &text).unwrap();
    let mut options = ScanOptions::default();
    options.read.header = false;
    let report = scan(&[&path], &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let d = &report.datasets[0];
    assert_eq!(d.rows, 8);
    let columns: Vec<&str> = d.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["column_1", "column_2", "column_3"]);
    assert_eq!(category(d, "column_1"), Some("person.name"));
    assert_eq!(category(d, "column_2"), Some("contact.phone"));
    assert_eq!(d.subjects.get("contact.phone"), Some(&8));
}

/// Issue 15 #9: a directory with nothing to scan is an error, not an empty success.
#[test]
fn an_empty_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let report = scan(&[dir.path()], &ScanOptions::default());
    assert!(report.datasets.is_empty());
    assert_eq!(report.errors.len(), 1);
    assert!(
        report.errors[0].message.contains("no file in a format"),
        "{}",
        report.errors[0].message
    );
}
