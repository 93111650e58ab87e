//! What the port's test suites share: a fresh port home opened with the embedded packs, and the
//! bundled example filings as JSON.

use freeport_policy::Judge;
use freeport_port::layout::HomeLayout;
use freeport_port::port::{Port, Principal};
use freeport_vocabulary::Vocabulary;

/// The JSON of a bundled port filing (`examples/port/filings/NAME.toml`).
pub fn facts(example: &str) -> String {
    let path = format!(
        "{}/../../examples/port/filings/{example}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let value: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::to_string(&value).unwrap()
}

/// A port in a temporary home (`dir/home`), and the local administrator.
pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub port: Port,
    pub admin: Principal,
}

/// A fresh port home, initialised and opened.
pub fn port() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let layout = HomeLayout::new(dir.path().join("home"));
    layout.init().unwrap();
    let vocabulary = Vocabulary::embedded().unwrap();
    let judge = Judge::embedded(vocabulary).unwrap();
    let port = Port::open(layout, judge, vocabulary).unwrap();
    Fixture {
        _dir: dir,
        port,
        admin: Principal::local_admin(),
    }
}
