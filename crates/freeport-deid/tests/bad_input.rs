//! Bad input, data-driven: each `tests/fixtures/bad/*.toml` is run over `patients.csv` and must
//! fail with the message on its `# expect:` line, and no error may quote a cell of the data
//! (values from hierarchy files and configurations the user wrote may be quoted).

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};

use freeport_deid::config::LoadedConfig;
use freeport_deid::engine::deidentify;
use freeport_deid::io::{InputOptions, read_table};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every cell of `patients.csv` long enough to be recognisable in a message.
fn cells() -> Vec<String> {
    let mut reader = csv::Reader::from_path(fixtures().join("patients.csv")).unwrap();
    let mut out: Vec<String> = reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .filter(|c| c.len() >= 4)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_bad_configuration_fails_with_its_message_and_no_cell_value() {
    let dir = fixtures().join("bad");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "{} cases", cases.len());
    let cells = cells();
    for case in cases {
        let text = std::fs::read_to_string(&case).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{}: no `# expect:` line", case.display()));
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let result = LoadedConfig::parse(&text, &name, dir.clone()).and_then(|cfg| {
            let table = read_table(&fixtures().join("patients.csv"), &InputOptions::default())?;
            deidentify(table.table, &cfg, None)
        });
        let Err(e) = result else {
            panic!("{name}: ran without error");
        };
        let short = e.to_string();
        let rendered = format!("{short} {:?}", miette::Report::new(e));
        assert!(rendered.contains(expect), "{name}: {rendered}");
        for cell in &cells {
            assert!(
                !rendered.contains(cell.as_str()),
                "{name}: the error quotes the cell `{cell}`: {rendered}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn key_file_readable_by_group_or_others_is_refused_naming_file_and_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.bin");
    std::fs::write(&key, [42u8; 32]).unwrap();
    for (mode, shown) in [(0o640, "640"), (0o604, "604"), (0o660, "660")] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        let text = format!(
            "version = 1\nunlisted = \"insensitive\"\n[columns.name]\nrole = \"identifier\"\ntransform = {{ pseudonymise = {{ key-file = \"{}\" }} }}\n",
            key.display()
        );
        let cfg = LoadedConfig::parse(&text, "deid.toml", dir.path().to_path_buf()).unwrap();
        let table = read_table(&fixtures().join("patients.csv"), &InputOptions::default())
            .unwrap()
            .table;
        let e = deidentify(table, &cfg, None).unwrap_err().to_string();
        assert!(
            e.contains(&format!(
                "key file `{}` is accessible to group or others (mode {shown})",
                key.display()
            )),
            "{e}"
        );
    }
}
