//! Reviewer keys held by the port: made with the account, used only for that signed-in
//! reviewer, checked like any other signature, never replaced, never claimed by another key.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use freeport_port::custody::{DecisionForm, KeyCustody, PORT_HELD_SUFFIX};
use freeport_port::port::{
    ErrorKind, NewAccount, PortError, Principal, Verdict, verify_signed_decision,
};
use freeport_store::docket::{CaseStatus, FilingStatus, Role};
use freeport_tlog::note::{KeyKind, SigningKey};

mod common;

use common::{Fixture, facts, port};

fn new(id: &str, role: Role, organisation: Option<&str>) -> NewAccount {
    NewAccount {
        id: id.into(),
        role,
        organisation: organisation.map(Into::into),
        organisation_name: None,
        name: format!("{id} (test)"),
        public_key: None,
        key_held_by_port: false,
    }
}

fn held(id: &str, role: Role) -> NewAccount {
    NewAccount {
        key_held_by_port: true,
        ..new(id, role, None)
    }
}

impl Fixture {
    fn sign_in(&self, account: &NewAccount) -> Principal {
        let (_, token) = self.port.create_account(&self.admin, account).unwrap();
        self.port.authenticate(token.expose()).unwrap()
    }

    fn key_file(&self, id: &str) -> std::path::PathBuf {
        self.port
            .layout()
            .keys_dir()
            .join("reviewers")
            .join(format!("{id}.key"))
    }
}

fn approve() -> DecisionForm {
    DecisionForm {
        verdict: Verdict::ApproveWithConditions,
        conditions: vec!["Keep the standard contract's annex current.".into()],
        public_reasons: Vec::new(),
    }
}

#[test]
fn a_reviewer_whose_key_the_port_holds_decides_and_the_signature_verifies() {
    let f = port();
    let alice = f.sign_in(&new("alice", Role::Exporter, Some("acme")));
    let wei = f.sign_in(&held("wei", Role::CnReviewer));

    let (accounts, key) = (
        f.port.accounts(&f.admin).unwrap(),
        f.port.held_key("wei").unwrap().unwrap(),
    );
    let registered = accounts.iter().find(|a| a.id == "wei").unwrap();
    assert_eq!(
        registered.public_key.as_deref(),
        Some(key.verifier().to_vkey().as_str())
    );
    assert_eq!(key.name(), format!("wei{PORT_HELD_SUFFIX}"));
    assert_eq!(KeyCustody::of_key_name(key.name()), KeyCustody::Port);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f.key_file("wei"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key is readable by others: {mode:o}");
    }

    let filing = f.port.file(&alice, &facts("china-review")).unwrap();
    let case = f
        .port
        .decide_with_port_key(&wei, &filing.id, &approve())
        .unwrap();
    assert_eq!(case.status, CaseStatus::ApprovedWithConditions);
    assert!(case.log_index.is_some());
    let after = f.port.filing(&alice, &filing.id).unwrap();
    assert_eq!(after.status, FilingStatus::Cleared);
    // The stored signature is the port-held key's, over the decision entry, verified as any.
    let bundle = f.port.audit_bundle(&f.admin).unwrap();
    let decided = serde_json::to_value(&bundle).unwrap();
    assert!(
        decided.to_string().contains("wei@port"),
        "the audit bundle names the port-held key"
    );
    let signature = case.signature.unwrap();
    assert!(
        verify_signed_decision(
            b"not the entry\n",
            &signature,
            registered.public_key.as_deref()
        )
        .is_err()
    );
}

#[test]
fn a_reviewer_who_holds_their_own_key_cannot_have_the_port_sign() {
    let f = port();
    let alice = f.sign_in(&new("alice", Role::Exporter, Some("acme")));
    let own = SigningKey::generate("li", KeyKind::Ed25519).unwrap();
    let li = f.sign_in(&NewAccount {
        public_key: Some(own.verifier().to_vkey()),
        ..new("li", Role::CnReviewer, None)
    });
    let filing = f.port.file(&alice, &facts("china-review")).unwrap();
    let error = f
        .port
        .decide_with_port_key(&li, &filing.id, &approve())
        .unwrap_err();
    assert!(
        matches!(&error, PortError::Conflict { reason, .. } if reason.contains("freeport review")),
        "{error:?}"
    );
    // Nothing decided.
    let view = f.port.filing(&alice, &filing.id).unwrap();
    assert_eq!(view.cases[0].status, CaseStatus::Open);
    // An exporter never reaches the signing path.
    let error = f
        .port
        .decide_with_port_key(&alice, &filing.id, &approve())
        .unwrap_err();
    assert!(matches!(error, PortError::Forbidden { .. }), "{error:?}");
}

#[test]
fn a_held_key_is_made_only_for_a_new_reviewer_by_an_admin_and_never_replaced() {
    let f = port();
    let alice = f.sign_in(&new("alice", Role::Exporter, Some("acme")));

    // Not an admin: nothing written.
    let error = f
        .port
        .create_account(&alice, &held("wei", Role::CnReviewer))
        .unwrap_err();
    assert!(matches!(error, PortError::Forbidden { .. }), "{error:?}");
    assert!(!f.key_file("wei").exists());

    // Not a reviewer, or a verifier key given too.
    for (account, field) in [
        (held("aud", Role::Auditor), "key_custody"),
        (
            NewAccount {
                public_key: Some(
                    SigningKey::generate("x", KeyKind::Ed25519)
                        .unwrap()
                        .verifier()
                        .to_vkey(),
                ),
                ..held("wei", Role::CnReviewer)
            },
            "public_key",
        ),
    ] {
        let error = f.port.create_account(&f.admin, &account).unwrap_err();
        assert!(
            matches!(&error, PortError::Invalid { field: got, .. } if got == field),
            "{error:?}"
        );
        assert!(!f.key_file(&account.id).exists());
    }

    f.sign_in(&held("wei", Role::CnReviewer));
    let first = std::fs::read_to_string(f.key_file("wei")).unwrap();
    // The same id again: refused, and the key already held is untouched.
    let error = f
        .port
        .create_account(&f.admin, &held("wei", Role::UsReviewer))
        .unwrap_err();
    assert!(matches!(error, PortError::Conflict { .. }), "{error:?}");
    assert_eq!(std::fs::read_to_string(f.key_file("wei")).unwrap(), first);

    // An account id taken by an exporter: the key written for it is removed again.
    let error = f
        .port
        .create_account(&f.admin, &held("alice", Role::UsReviewer))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict, "{error:?}");
    assert!(!f.key_file("alice").exists());
}

#[test]
fn a_reviewer_cannot_register_a_key_named_as_held_by_the_port() {
    let f = port();
    let lookalike = SigningKey::generate("li@port", KeyKind::Ed25519).unwrap();
    let error = f
        .port
        .create_account(
            &f.admin,
            &NewAccount {
                public_key: Some(lookalike.verifier().to_vkey()),
                ..new("li", Role::UsReviewer, None)
            },
        )
        .unwrap_err();
    assert!(
        matches!(&error, PortError::Invalid { field, reason } if field == "public_key" && reason.contains("@port")),
        "{error:?}"
    );
}
