//! Project files (issue 16 item 5): every file under `tests/projects/bad/` is refused with a
//! diagnostic pointing into it (snapshots of the rendered error, one per file); the good
//! project overrules, adds a detector, allow-lists a placeholder and reads a codebook.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use freeport_scan::project::{Project, parse_codebook};
use freeport_scan::{Evidence, NoProgress, ScanOptions, scan_paths};

fn projects() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/projects")
}

/// A diagnostic as a person sees it, without colour, at a fixed width.
fn render(error: &dyn miette::Diagnostic) -> String {
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, error)
        .unwrap();
    out
}

#[test]
fn bad_project_files_are_refused_with_a_span() {
    let dir = projects().join("bad");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the bad cases are all there");
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        let relative = Path::new("bad").join(file.file_name().unwrap());
        let error = Project::parse(&relative, text).expect_err(&name);
        let rendered = render(&*error);
        assert!(rendered.contains("bad/"), "{name}: names the file");
        assert!(
            rendered.contains('╭'),
            "{name}: points into the file\n{rendered}"
        );
        insta::assert_snapshot!(name, rendered);
    }
}

fn good() -> Arc<Project> {
    Arc::new(Project::from_file(&projects().join("good/freeport.toml")).unwrap())
}

fn scan_good(project: Option<Arc<Project>>) -> freeport_scan::ScanReport {
    let options = ScanOptions {
        threads: 1,
        project,
        ..ScanOptions::default()
    };
    let dir = projects().join("good");
    let paths = [
        dir.join("members.csv").display().to_string(),
        dir.join("stores.csv").display().to_string(),
    ];
    scan_paths(&paths, &options, &NoProgress)
}

fn column<'a>(
    report: &'a freeport_scan::ScanReport,
    dataset: usize,
    name: &str,
) -> &'a freeport_scan::ColumnReport {
    report.datasets[dataset]
        .columns
        .iter()
        .find(|c| c.name == name)
        .unwrap()
}

#[test]
fn overrides_set_a_category_or_declare_a_column_not_personal() {
    let without = scan_good(None);
    let with = scan_good(Some(good()));
    good().check_used(&with).unwrap();

    // `switchboard` holds phone numbers; the project says they are the stores', not people's.
    assert_eq!(
        column(&without, 1, "switchboard").category.as_deref(),
        Some("contact.phone")
    );
    let switchboard = column(&with, 1, "switchboard");
    assert_eq!(switchboard.category, None);
    let o = switchboard.overridden.as_ref().unwrap();
    assert_eq!(o.was.as_deref(), Some("contact.phone"));
    assert_eq!(o.becomes, "not_personal_data");
    assert!(o.source.ends_with("freeport.toml:4"), "{}", o.source);

    // `tier` says nothing by itself; the project says it is derived from credit scores.
    assert_eq!(column(&without, 0, "tier").category, None);
    let tier = column(&with, 0, "tier");
    assert_eq!(tier.category.as_deref(), Some("fin.credit"));
    assert!(with.datasets[0].subjects.contains_key("fin.credit"));
    assert!(!without.datasets[0].subjects.contains_key("fin.credit"));
    assert!(column(&with, 0, "name").overridden.is_none());
}

#[test]
fn a_custom_detector_and_the_allow_list_are_evidence() {
    let with = scan_good(Some(good()));
    let code = column(&with, 0, "member_code");
    assert_eq!(code.category.as_deref(), Some("id.internal"));
    assert!(code.evidence.iter().any(|e| matches!(e,
        Evidence::Custom { detector, matched: 40, sampled: 40, .. } if detector == "member-number")));
    assert!(code.evidence.iter().any(|e| matches!(e,
        Evidence::CustomHeader { word, .. } if word == "member code")));
    let mobile = column(&with, 0, "mobile");
    assert!(mobile.evidence.contains(&Evidence::Allowed { values: 4 }));
    assert_eq!(
        mobile.stats.sampled, 36,
        "allow-listed values are not classified"
    );
    let without = scan_good(None);
    assert!(
        column(&without, 0, "mobile")
            .evidence
            .iter()
            .all(|e| !matches!(e, Evidence::Allowed { .. }))
    );
}

#[test]
fn the_codebook_speaks_with_the_header_words() {
    let with = scan_good(Some(good()));
    assert!(column(&with, 0, "name").evidence.iter().any(|e| matches!(e,
        Evidence::Codebook { category, .. } if category == "person.name")));
}

#[test]
fn a_codebook_csv_needs_its_header_and_one_description_per_column() {
    let path = Path::new("codebook.csv");
    let good = parse_codebook(path, "column,description\nage,\"Age, in years\"\n").unwrap();
    assert_eq!(good, [("age".to_owned(), "Age, in years".to_owned())]);
    for (name, text) in [
        ("codebook_header", "name,text\nage,years\n"),
        (
            "codebook_twice",
            "column,description\nage,years\nage,again\n",
        ),
        ("codebook_ragged", "column,description\nage,years,extra\n"),
    ] {
        let error = parse_codebook(path, text).unwrap_err();
        insta::assert_snapshot!(name, render(&*error));
    }
}

#[test]
fn an_override_for_a_dataset_not_scanned_is_no_error_but_a_wrong_column_is() {
    let options = ScanOptions {
        threads: 1,
        project: Some(good()),
        ..ScanOptions::default()
    };
    let members = projects().join("good/members.csv").display().to_string();
    let report = scan_paths(&[members], &options, &NoProgress);
    good().check_used(&report).unwrap();
    let typo = Project::parse(
        Path::new("typo.toml"),
        "[[classification.column]]\ncolumn = \"teir\"\nbecomes = \"fin.credit\"\njustification = \"x\"\n".to_owned(),
    )
    .unwrap();
    let error = typo.check_used(&report).unwrap_err();
    assert_eq!(
        error.message(),
        "column `teir` is not a column of any dataset scanned"
    );
}
