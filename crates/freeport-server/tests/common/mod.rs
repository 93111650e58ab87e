//! The port the server tests share: a home with six accounts (one per role, two exporters) and
//! two filings, opened in-process with its router.

use std::sync::Arc;

use axum::Router;
use freeport_policy::Judge;
use freeport_port::layout::HomeLayout;
use freeport_port::port::{NewAccount, Port, Principal};
use freeport_server::api::router;
use freeport_store::docket::Role;
use freeport_tlog::note::{KeyKind, SigningKey};
use freeport_vocabulary::Vocabulary;

/// An example filing's facts as JSON.
pub fn facts(name: &str) -> String {
    let path = format!(
        "{}/../../examples/port/filings/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let value: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::to_string(&value).unwrap()
}

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub app: Router,
    pub port: Arc<Port>,
    pub tokens: Vec<(&'static str, String)>,
    /// A filing of acme's with a CN case only.
    pub china: String,
    /// A filing of globex's, cleared at once.
    pub cleared: String,
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let layout = HomeLayout::new(dir.path().join("home"));
    layout.init().unwrap();
    let vocabulary = Vocabulary::embedded().unwrap();
    let port = Port::open(layout, Judge::embedded(vocabulary).unwrap(), vocabulary).unwrap();
    let admin = Principal::local_admin();
    let key = SigningKey::generate("reviewer", KeyKind::Ed25519).unwrap();
    let mut tokens = Vec::new();
    for (label, id, role, org) in [
        ("exporter", "alice", Role::Exporter, Some("acme")),
        ("other_exporter", "bob", Role::Exporter, Some("globex")),
        ("cn_reviewer", "wei", Role::CnReviewer, None),
        ("us_reviewer", "sam", Role::UsReviewer, None),
        ("auditor", "audrey", Role::Auditor, None),
        ("admin", "ada", Role::Admin, None),
    ] {
        let reviewer = matches!(role, Role::CnReviewer | Role::UsReviewer);
        let (_, token) = port
            .create_account(
                &admin,
                &NewAccount {
                    id: id.into(),
                    role,
                    organisation: org.map(Into::into),
                    organisation_name: None,
                    name: id.into(),
                    public_key: reviewer.then(|| key.verifier().to_vkey()),
                    key_held_by_port: false,
                },
            )
            .unwrap();
        tokens.push((label, token.expose().to_owned()));
    }
    let alice = port.authenticate(&tokens[0].1).unwrap();
    let bob = port.authenticate(&tokens[1].1).unwrap();
    let china = port.file(&alice, &facts("china-review")).unwrap().id;
    let cleared = port.file(&bob, &facts("cleared-at-once")).unwrap().id;
    // The local witnesses cosign: a published checkpoint covers the cleared filing's entry.
    port.catch_up_cosigning().unwrap();
    let port = Arc::new(port);
    Fixture {
        _dir: dir,
        app: router(Arc::clone(&port)),
        port,
        tokens,
        china,
        cleared,
    }
}
