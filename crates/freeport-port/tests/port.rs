//! The port's workflows through its service layer: accounts, filing and routing, tenancy,
//! signed decisions, conflicts and the access journal.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use freeport_policy::{Judge, Jurisdiction};
use freeport_port::layout::HomeLayout;
use freeport_port::port::{
    ContestRulingRequest, DecisionFields, DecisionRequest, NOT_PERSONAL_DATA, NewAccount,
    NewContest, Port, PortError, Principal, Ruling, Verdict, decision_entry, decision_note_text,
};
use freeport_store::docket::{CaseStatus, ContestStatus, FilingStatus, Role};
use freeport_tlog::note::{KeyKind, SigningKey, sign_note};
use freeport_vocabulary::Vocabulary;

mod common;

use common::{Fixture, facts, port};

fn account(
    id: &str,
    role: Role,
    organisation: Option<&str>,
    key: Option<&SigningKey>,
) -> NewAccount {
    NewAccount {
        id: id.into(),
        role,
        organisation: organisation.map(Into::into),
        organisation_name: None,
        name: format!("{id} (test)"),
        public_key: key.map(|k| k.verifier().to_vkey()),
        key_held_by_port: false,
    }
}

impl Fixture {
    fn make(&self, new: &NewAccount) -> Principal {
        let (_, token) = self.port.create_account(&self.admin, new).unwrap();
        self.port.authenticate(token.expose()).unwrap()
    }
}

fn sign(
    key: &SigningKey,
    reviewer: &Principal,
    filing: &freeport_port::port::FilingView,
    verdict: Verdict,
    conditions: &[String],
    reasons: &[String],
) -> DecisionRequest {
    let side = reviewer.side().unwrap();
    let packs = filing.rule_packs();
    let decided_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap()
        .to_string();
    let entry = decision_entry(&DecisionFields {
        filing: &filing.id,
        side,
        reviewer: &reviewer.account,
        verdict,
        conditions,
        public_reasons: reasons,
        decided_at: &decided_at,
        rule_packs: &packs,
        judgement: filing.judgement,
        attachments: &filing.attachment_hashes(),
    })
    .unwrap();
    DecisionRequest {
        verdict,
        conditions: conditions.to_vec(),
        public_reasons: reasons.to_vec(),
        decided_at,
        judgement: filing.judgement,
        attachments: filing.attachment_hashes(),
        signed_note: sign_note(&decision_note_text(&entry), key, "decision").unwrap(),
    }
}

#[test]
fn a_port_is_never_created_by_opening_it() {
    let dir = tempfile::tempdir().unwrap();
    let layout = HomeLayout::new(dir.path().join("home"));
    let vocabulary = Vocabulary::embedded().unwrap();
    let judge = Judge::embedded(vocabulary).unwrap();
    let error = Port::open(layout, judge, vocabulary).unwrap_err();
    assert!(matches!(error, PortError::NoHome { .. }), "{error:?}");
    assert!(!dir.path().join("home").exists());
}

#[test]
fn filings_are_cleared_at_once_or_routed_to_the_sides_that_review() {
    let f = port();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let bob = f.make(&account("bob", Role::Exporter, Some("globex"), None));
    // Another organisation: the port counts each organisation's transfers in its own windows
    // (these 1.5 million people would raise acme's next filing to a security assessment).
    let cleared = f.port.file(&bob, &facts("cleared-at-once")).unwrap();
    assert_eq!(cleared.status, FilingStatus::Cleared);
    assert!(cleared.cases.is_empty());
    assert_eq!(cleared.id, "F-2026-000001");

    let cn_only = f.port.file(&alice, &facts("china-review")).unwrap();
    assert_eq!(cn_only.status, FilingStatus::InReview);
    let sides: Vec<&str> = cn_only.cases.iter().map(|c| c.side.as_str()).collect();
    assert_eq!(sides, ["cn"]);
    assert_eq!(
        cn_only.cases[0].outcome,
        "STANDARD_CONTRACT_OR_CERTIFICATION"
    );

    let both = f.port.file(&alice, &facts("both-sides")).unwrap();
    let sides: Vec<&str> = both.cases.iter().map(|c| c.side.as_str()).collect();
    assert_eq!(sides, ["cn", "us"]);
    assert_eq!(both.cases[1].outcome, "RESTRICTED");
}

#[test]
fn tenancy_hides_other_exporters_and_other_sides() {
    let f = port();
    let cn_key = SigningKey::generate("wei", KeyKind::Ed25519).unwrap();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let bob = f.make(&account("bob", Role::Exporter, Some("globex"), None));
    let wei = f.make(&account("wei", Role::CnReviewer, None, Some(&cn_key)));
    let us_key = SigningKey::generate("sam", KeyKind::Ed25519).unwrap();
    let sam = f.make(&account("sam", Role::UsReviewer, None, Some(&us_key)));
    let auditor = f.make(&account("audrey", Role::Auditor, None, None));
    let filing = f.port.file(&alice, &facts("china-review")).unwrap();

    // Another exporter and the other side's reviewer: not found, not forbidden.
    for who in [&bob, &sam] {
        let error = f.port.filing(who, &filing.id).unwrap_err();
        assert!(matches!(error, PortError::NotFound { .. }), "{error:?}");
    }
    assert!(f.port.filings(&bob).unwrap().is_empty());
    assert!(f.port.filings(&sam).unwrap().is_empty());
    assert_eq!(f.port.filings(&wei).unwrap().len(), 1);
    assert_eq!(f.port.filings(&auditor).unwrap().len(), 1);
    assert!(f.port.cases(&sam, None).unwrap().is_empty());
    assert_eq!(f.port.cases(&wei, Some(CaseStatus::Open)).unwrap().len(), 1);
    // Roles: an exporter cannot decide or list queues; a reviewer cannot file; no one but an
    // admin makes accounts.
    assert!(matches!(
        f.port.cases(&alice, None).unwrap_err(),
        PortError::Forbidden { .. }
    ));
    assert!(matches!(
        f.port.file(&wei, &facts("cleared-at-once")).unwrap_err(),
        PortError::Forbidden { .. }
    ));
    assert!(matches!(
        f.port
            .create_account(&auditor, &account("eve", Role::Admin, None, None))
            .unwrap_err(),
        PortError::Forbidden { .. }
    ));
    let request = sign(&cn_key, &wei, &filing, Verdict::Approve, &[], &[]);
    assert!(matches!(
        f.port.decide(&alice, &filing.id, &request).unwrap_err(),
        PortError::Forbidden { .. }
    ));
}

#[test]
fn a_signed_approval_clears_and_records_a_second_decision_conflicts() {
    let f = port();
    let cn_key = SigningKey::generate("wei", KeyKind::Ed25519).unwrap();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let wei = f.make(&account("wei", Role::CnReviewer, None, Some(&cn_key)));
    let li = f.make(&account("li", Role::CnReviewer, None, Some(&cn_key)));
    let filing = f.port.file(&alice, &facts("china-review")).unwrap();
    f.port
        .post_message(
            &wei,
            &filing.id,
            "Please attach the filed standard contract.",
        )
        .unwrap();
    f.port
        .post_message(
            &alice,
            &filing.id,
            "Attached: filing receipt of 2026-05-02.",
        )
        .unwrap();

    let conditions = vec!["keep the PIPIA report for three years".to_owned()];
    let request = sign(
        &cn_key,
        &wei,
        &filing,
        Verdict::ApproveWithConditions,
        &conditions,
        &[],
    );
    let decided = f.port.decide(&wei, &filing.id, &request).unwrap();
    assert_eq!(decided.status, CaseStatus::ApprovedWithConditions);
    assert!(decided.log_index.is_some());
    let after = f.port.filing(&alice, &filing.id).unwrap();
    assert_eq!(after.status, FilingStatus::Cleared);
    assert_eq!(after.messages.len(), 2);

    // The second reviewer of the same side: a conflict, nothing changes.
    let again = sign(
        &cn_key,
        &li,
        &filing,
        Verdict::Refuse,
        &[],
        &["late".to_owned()],
    );
    let error = f.port.decide(&li, &filing.id, &again).unwrap_err();
    assert!(matches!(error, PortError::Conflict { .. }), "{error:?}");
    let journal = f.port.journal(&f.admin, 0).unwrap();
    let actions: Vec<&str> = journal.iter().map(|j| j.action.as_str()).collect();
    assert!(actions.contains(&"filing.clear"), "{actions:?}");
    assert!(
        actions.contains(&"case.permit_with_conditions"),
        "{actions:?}"
    );
}

#[test]
fn a_refusal_needs_public_reasons_and_a_valid_signature() {
    let f = port();
    let cn_key = SigningKey::generate("wei", KeyKind::Ed25519).unwrap();
    let other = SigningKey::generate("wei", KeyKind::Ed25519).unwrap();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let wei = f.make(&account("wei", Role::CnReviewer, None, Some(&cn_key)));
    let filing = f.port.file(&alice, &facts("china-review")).unwrap();

    let bare = sign(&cn_key, &wei, &filing, Verdict::Refuse, &[], &[]);
    let error = f.port.decide(&wei, &filing.id, &bare).unwrap_err();
    assert!(error.to_string().contains("public_reasons"), "{error}");

    let reasons = vec!["the standard contract was not filed with the provincial CAC".to_owned()];
    let forged = sign(&other, &wei, &filing, Verdict::Refuse, &[], &reasons);
    let error = f.port.decide(&wei, &filing.id, &forged).unwrap_err();
    assert!(error.to_string().contains("signed_note"), "{error}");

    // A signature over other fields than those sent.
    let mut swapped = sign(&cn_key, &wei, &filing, Verdict::Refuse, &[], &reasons);
    swapped.verdict = Verdict::Approve;
    swapped.public_reasons.clear();
    let error = f.port.decide(&wei, &filing.id, &swapped).unwrap_err();
    assert!(error.to_string().contains("signed text"), "{error}");

    // Public reasons are published: a phone number or an e-mail address in them is refused,
    // and the error does not repeat it.
    for leaky in [
        "the contact person 13812345678 did not answer",
        "ask zhang.wei@example.com for the contract",
    ] {
        let request = sign(
            &cn_key,
            &wei,
            &filing,
            Verdict::Refuse,
            &[],
            &[leaky.to_owned()],
        );
        let error = f.port.decide(&wei, &filing.id, &request).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("personal data"), "{message}");
        assert!(
            !message.contains("13812345678") && !message.contains("zhang.wei"),
            "{message}"
        );
    }

    let refused = sign(&cn_key, &wei, &filing, Verdict::Refuse, &[], &reasons);
    f.port.decide(&wei, &filing.id, &refused).unwrap();
    let after = f.port.filing(&alice, &filing.id).unwrap();
    assert_eq!(after.status, FilingStatus::Refused);
    assert_eq!(after.cases[0].public_reasons, reasons);
}

#[test]
fn bad_accounts_and_tokens_are_refused() {
    let f = port();
    for (new, field) in [
        (account("Alice", Role::Exporter, Some("acme"), None), "id"),
        (account("alice", Role::Exporter, None, None), "organisation"),
        (account("wei", Role::CnReviewer, None, None), "public_key"),
        (
            account("audrey", Role::Auditor, Some("acme"), None),
            "organisation",
        ),
    ] {
        let error = f.port.create_account(&f.admin, &new).unwrap_err();
        assert!(
            matches!(&error, PortError::Invalid { field: got, .. } if got == field),
            "{error:?}"
        );
    }
    for token in ["", "fdp_", "fdp_00", "Bearer x", &"fdp_".repeat(100)] {
        assert!(matches!(
            f.port.authenticate(token).unwrap_err(),
            PortError::Unauthenticated
        ));
    }
}

#[test]
fn the_port_counts_an_organisations_cleared_filings_only() {
    let f = port();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    // Not cleared yet: the first filing does not count towards the second.
    let first = f.port.file(&alice, &facts("china-review")).unwrap();
    let second = f.port.file(&alice, &facts("china-review")).unwrap();
    assert_eq!(first.cases[0].outcome, second.cases[0].outcome);
    assert_eq!(second.id, "F-2026-000002");
    // Cleared at once, 1.5 million people collected in China: the next filing of the same
    // organisation in the same year counts them (CAC16 Art. 7(2), cumulative from 1 January).
    f.port.file(&alice, &facts("cleared-at-once")).unwrap();
    let third = f.port.file(&alice, &facts("china-review")).unwrap();
    assert_eq!(third.cases[0].outcome, "SECURITY_ASSESSMENT");

    // A reviewer sees the organisation's earlier filings in the third's windows: all three in
    // China's (same year); in the US window only those to the same recipient.
    let shown = f.port.filing(&f.admin, &third.id).unwrap();
    let earlier: Vec<(&str, &str, Vec<String>)> = shown
        .earlier
        .iter()
        .map(|e| (e.id.as_str(), e.status.as_str(), e.windows.clone()))
        .collect();
    let both = vec!["cn".to_owned(), "us".to_owned()];
    let cn = vec!["cn".to_owned()];
    assert_eq!(
        earlier,
        [
            ("F-2026-000001", "in_review", both.clone()),
            ("F-2026-000002", "in_review", both),
            ("F-2026-000003", "cleared", cn),
        ]
    );
    assert_eq!(shown.earlier[2].outcomes, ["EXEMPT", "NOT_COVERED"]);
    // The first filing has none before it; a filing answer itself carries none.
    assert!(
        f.port
            .filing(&f.admin, &first.id)
            .unwrap()
            .earlier
            .is_empty()
    );
    assert!(third.earlier.is_empty());
}

#[test]
fn a_batch_files_as_the_same_filings_one_by_one() {
    // The same seven filings, one by one at one port and as one batch at another: the same
    // ids, statuses, cases and decisions, and the batch judges each filing against the
    // organisation's volumes including the batch's earlier filings (the third is raised to a
    // security assessment by the second, cleared in the same batch).
    let sequence = [
        ("alice", "china-review"),
        ("alice", "cleared-at-once"),
        ("alice", "china-review"),
        ("bob", "both-sides"),
        ("bob", "cleared-at-once"),
        ("alice", "cleared-at-once"),
        ("bob", "cleared-at-once"),
    ];
    let one_by_one = port();
    let batched = port();
    let mut answers = Vec::new();
    for f in [&one_by_one, &batched] {
        let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
        let bob = f.make(&account("bob", Role::Exporter, Some("globex"), None));
        let who = |name: &str| if name == "alice" { &alice } else { &bob };
        let filed: Vec<_> = if std::ptr::eq(f, &one_by_one) {
            sequence
                .iter()
                .map(|(name, example)| f.port.file(who(name), &facts(example)).unwrap())
                .collect()
        } else {
            let prepared = sequence
                .iter()
                .map(|(name, example)| f.port.prepare_filing(who(name), &facts(example)).unwrap())
                .collect();
            f.port
                .file_prepared(prepared)
                .into_iter()
                .map(Result::unwrap)
                .collect()
        };
        answers.push(filed);
    }
    let [sequential, batch] = answers.as_slice() else {
        unreachable!()
    };
    assert_eq!(batch[2].cases[0].outcome, "SECURITY_ASSESSMENT");
    for (one, other) in sequential.iter().zip(batch) {
        assert_eq!(one.id, other.id);
        assert_eq!(one.status, other.status);
        assert_eq!(one.decision, other.decision);
        assert_eq!(one.facts, other.facts);
        assert_eq!(one.log_index, other.log_index, "{}", one.id);
        let outcomes = |v: &freeport_port::port::FilingView| -> Vec<(String, String)> {
            v.cases
                .iter()
                .map(|c| (c.side.clone(), c.outcome.clone()))
                .collect()
        };
        assert_eq!(outcomes(one), outcomes(other));
        // What the batch answered is what the port now shows.
        let shown = batched.port.filing(&batched.admin, &other.id).unwrap();
        assert_eq!(shown.log_index, other.log_index);
        assert_eq!(shown.decision, other.decision);
    }
    // The four cleared at once took consecutive log entries, in filing order.
    let logged: Vec<u64> = batch.iter().filter_map(|v| v.log_index).collect();
    assert_eq!(logged.len(), 4);
    assert!(logged.windows(2).all(|w| w[1] == w[0] + 1), "{logged:?}");
}

#[test]
fn a_port_store_has_small_pages() {
    // `freeport init` makes a port's store with SQLite's 4 KiB pages (its rows are small and
    // each commit writes every page it changed whole); the page size is the big-endian number
    // at byte 16 of a SQLite file (1 would mean 64 KiB).
    let f = port();
    let header = std::fs::read(f.port.layout().store_path()).unwrap();
    assert_eq!(header.get(16..18), Some(&[0x10, 0x00][..]));
}

#[test]
fn a_refused_filing_is_refused_before_it_joins_a_batch() {
    let f = port();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let auditor = f.make(&account("audit", Role::Auditor, None, None));
    assert!(matches!(
        f.port.prepare_filing(&auditor, &facts("cleared-at-once")),
        Err(PortError::Forbidden { .. })
    ));
    assert!(matches!(
        f.port.prepare_filing(&alice, "{\"transfer\": 1}"),
        Err(PortError::Facts(_))
    ));
    // An empty batch files nothing.
    assert!(f.port.file_prepared(Vec::new()).is_empty());
    assert!(f.port.filings(&f.admin).unwrap().is_empty());
}

#[test]
fn an_audit_bundle_verifies_offline_and_names_what_does_not() {
    use freeport_port::audit::verify_bundle;
    use freeport_tlog::policy::Policy;
    let f = port();
    let cn_key = SigningKey::generate("wei", KeyKind::Ed25519).unwrap();
    let us_key = SigningKey::generate("sam", KeyKind::Ed25519).unwrap();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let wei = f.make(&account("wei", Role::CnReviewer, None, Some(&cn_key)));
    let sam = f.make(&account("sam", Role::UsReviewer, None, Some(&us_key)));
    let auditor = f.make(&account("audit", Role::Auditor, None, None));
    let cleared = f.port.file(&alice, &facts("cleared-at-once")).unwrap();
    let china = f.port.file(&alice, &facts("china-review")).unwrap();
    let both = f.port.file(&alice, &facts("both-sides")).unwrap();
    let approve = sign(&cn_key, &wei, &china, Verdict::Approve, &[], &[]);
    f.port.decide(&wei, &china.id, &approve).unwrap();
    let reasons = vec!["the security attestation does not cover the system".to_owned()];
    let refuse = sign(&us_key, &sam, &both, Verdict::Refuse, &[], &reasons);
    f.port.decide(&sam, &both.id, &refuse).unwrap();
    // Exporters and reviewers may not download it.
    assert!(matches!(
        f.port.audit_bundle(&alice),
        Err(PortError::Forbidden { .. })
    ));
    f.port.catch_up_cosigning().unwrap();
    let bundle = f.port.audit_bundle(&auditor).unwrap();
    assert_eq!(bundle.cleared.len(), 1);
    assert_eq!(bundle.cleared[0].filing, cleared.id);
    let sides: Vec<(&str, &str)> = bundle
        .decisions
        .iter()
        .map(|d| (d.filing.as_str(), d.side.as_str()))
        .collect();
    assert_eq!(sides, [(china.id.as_str(), "cn"), (both.id.as_str(), "us")]);
    assert!(bundle.pending.is_empty(), "{:?}", bundle.pending);

    // It verifies under the port's trust policy (the log key and both witnesses), with the
    // bundle's reviewer keys or pinned ones.
    let policy = Policy::parse(&f.port.trust_policy().unwrap()).unwrap();
    let outcome = verify_bundle(&bundle, &policy, None);
    assert!(outcome.verified(), "{:?}", outcome.failures);
    assert_eq!(
        (outcome.decisions_verified, outcome.cleared_verified),
        (2, 1)
    );
    let pinned = [
        ("wei".to_owned(), cn_key.verifier().to_vkey()),
        ("sam".to_owned(), us_key.verifier().to_vkey()),
    ]
    .into();
    assert!(verify_bundle(&bundle, &policy, Some(&pinned)).verified());

    // A pinned key that is not the reviewer's, a decision attributed to another reviewer, a
    // receipt moved to another filing, a policy of another log: each named.
    let wrong: std::collections::BTreeMap<String, String> = [
        ("wei".to_owned(), us_key.verifier().to_vkey()),
        ("sam".to_owned(), us_key.verifier().to_vkey()),
    ]
    .into();
    let outcome = verify_bundle(&bundle, &policy, Some(&wrong));
    assert_eq!(outcome.failures.len(), 1);
    assert!(outcome.failures[0].item.starts_with("decisions[0]"));
    assert!(
        outcome.failures[0].reason.contains("signature"),
        "{:?}",
        outcome.failures
    );

    let mut forged = bundle.clone();
    forged.decisions[1].reviewer = "wei".to_owned();
    let outcome = verify_bundle(&forged, &policy, None);
    assert!(
        outcome.failures[0].reason.contains("`reviewer`"),
        "{:?}",
        outcome.failures
    );

    let mut moved = bundle.clone();
    moved.cleared[0].filing = china.id.clone();
    let outcome = verify_bundle(&moved, &policy, None);
    assert!(
        outcome.failures[0].reason.contains("`transfer_id`"),
        "{:?}",
        outcome.failures
    );

    let other = port();
    let foreign = Policy::parse(&other.port.trust_policy().unwrap()).unwrap();
    let outcome = verify_bundle(&bundle, &foreign, None);
    assert_eq!(outcome.failures.len(), 3);
    assert!(
        outcome.failures.iter().all(|f| f.reason.contains("policy")),
        "{:?}",
        outcome.failures
    );
}

#[test]
fn notices_are_published_logged_and_public() {
    use freeport_port::port::{NewNotice, NoticeKind};
    let f = port();
    let us_key = SigningKey::generate("sam", KeyKind::Ed25519).unwrap();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let sam = f.make(&account("sam", Role::UsReviewer, None, Some(&us_key)));
    let notice = |kind, title: &str, language: &str, body: &str| NewNotice {
        kind,
        title: title.to_owned(),
        language: language.to_owned(),
        body: body.to_owned(),
    };
    let subsidy = notice(
        NoticeKind::SubsidyNotice,
        "跨境科研数据平台补贴",
        "zh",
        "申请截止日期为2027年3月31日。",
    );
    // Exporters and auditors may not publish.
    assert!(matches!(
        f.port.publish(&alice, &subsidy),
        Err(PortError::Forbidden { .. })
    ));
    let published = f.port.publish(&f.admin, &subsidy).unwrap();
    assert_eq!(published.kind, "subsidy_notice");
    let first = published.log_index.unwrap();
    let procurement = f
        .port
        .publish(
            &sam,
            &notice(
                NoticeKind::ProcurementNotice,
                "Cloud storage for the joint registry",
                "en-US",
                "Bids are due on 15 February 2027.",
            ),
        )
        .unwrap();
    assert_eq!(procurement.log_index, Some(first + 1));

    // Bad fields are refused, naming the field; nothing is published.
    for (bad, field) in [
        (notice(NoticeKind::Other, "", "en", "text"), "title"),
        (
            notice(NoticeKind::Other, "two\nlines", "en", "text"),
            "title",
        ),
        (
            notice(NoticeKind::Other, "Title", "english!", "text"),
            "language",
        ),
        (notice(NoticeKind::Other, "Title", "en", "  "), "body"),
        (
            notice(NoticeKind::Other, "Title", "en", &"x".repeat(20_001)),
            "body",
        ),
        (
            notice(
                NoticeKind::Other,
                "Contact",
                "en",
                "Write to zhang.wei@example.com or call +86 138 1234 5678.",
            ),
            "body",
        ),
    ] {
        match f.port.publish(&f.admin, &bad) {
            Err(PortError::Invalid { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    let public = f.port.publications().unwrap();
    let packs = Judge::embedded(Vocabulary::embedded().unwrap()).unwrap();
    let titles: Vec<(&str, &str)> = public
        .iter()
        .map(|p| (p.kind.as_str(), p.title.as_str()))
        .collect();
    // The rule packs the port judges with come first: published once, when it opened.
    assert_eq!(
        titles[..2]
            .iter()
            .map(|(kind, title)| (*kind, title.split(':').next().unwrap()))
            .collect::<Vec<_>>(),
        [
            (
                "rules",
                format!("CN rule pack {}", packs.pack(Jurisdiction::Cn).version()).as_str()
            ),
            (
                "rules",
                format!("US rule pack {}", packs.pack(Jurisdiction::Us).version()).as_str()
            ),
        ]
    );
    assert_eq!(
        titles[2..],
        [
            ("subsidy_notice", "跨境科研数据平台补贴"),
            ("procurement_notice", "Cloud storage for the joint registry"),
        ]
    );
    assert_eq!(
        public.iter().map(|p| p.log_index).collect::<Vec<_>>(),
        [Some(0), Some(1), Some(first), Some(first + 1)]
    );
    let journal = f.port.journal(&f.admin, 0).unwrap();
    assert_eq!(
        journal
            .iter()
            .filter(|j| j.action == "notice.publish")
            .count(),
        2
    );
}

fn contest_name(becomes: &str, justification: &str) -> NewContest {
    NewContest {
        category: "person.name".into(),
        collected_in: None,
        source: Some("airports.csv:name".into()),
        becomes: becomes.into(),
        justification: justification.into(),
    }
}

fn ruling(ruling: Ruling, reason: &str) -> ContestRulingRequest {
    ContestRulingRequest {
        ruling,
        reason: reason.into(),
    }
}

#[test]
fn a_contest_accepted_is_an_override_and_the_filing_is_judged_again() {
    let f = port();
    let cn_key = SigningKey::generate("wei", KeyKind::Ed25519).unwrap();
    let us_key = SigningKey::generate("sam", KeyKind::Ed25519).unwrap();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let bob = f.make(&account("bob", Role::Exporter, Some("globex"), None));
    let wei = f.make(&account("wei", Role::CnReviewer, None, Some(&cn_key)));
    let sam = f.make(&account("sam", Role::UsReviewer, None, Some(&us_key)));
    let audrey = f.make(&account("audrey", Role::Auditor, None, None));
    let filing = f.port.file(&alice, &facts("airport-names")).unwrap();
    assert_eq!(filing.judgement, 1);
    assert_eq!(
        filing.cases[0].outcome,
        "STANDARD_CONTRACT_OR_CERTIFICATION"
    );

    // Refused before anything is recorded: another role, another organisation, a category
    // not in the inventory, an unknown category, no justification.
    let good = contest_name(NOT_PERSONAL_DATA, "the column holds airport names");
    let forbidden = f.port.contest(&wei, &filing.id, &good).unwrap_err();
    assert!(
        matches!(forbidden, PortError::Forbidden { .. }),
        "{forbidden:?}"
    );
    let hidden = f.port.contest(&bob, &filing.id, &good).unwrap_err();
    assert!(matches!(hidden, PortError::NotFound { .. }), "{hidden:?}");
    for (new, field) in [
        (
            NewContest {
                category: "contact.phone".into(),
                ..good.clone()
            },
            "category",
        ),
        (contest_name("geo.airport", "names"), "becomes"),
        (contest_name("person.name", "names"), "becomes"),
        (contest_name(NOT_PERSONAL_DATA, "  "), "justification"),
        (
            NewContest {
                collected_in: Some("us".into()),
                ..good.clone()
            },
            "collected_in",
        ),
    ] {
        let error = f.port.contest(&alice, &filing.id, &new).unwrap_err();
        assert!(
            matches!(&error, PortError::Invalid { field: got, .. } if got == field),
            "{field}: {error:?}"
        );
    }

    // A first contest, rejected: nothing changes.
    let first = f.port.contest(&alice, &filing.id, &good).unwrap();
    assert_eq!((first.seq, first.collected_in.as_str()), (1, "cn"));
    let twice = f.port.contest(&alice, &filing.id, &good).unwrap_err();
    assert!(matches!(twice, PortError::Conflict { .. }), "{twice:?}");
    // The US side has no case: its reviewers neither see the filing nor rule.
    let not_theirs = f
        .port
        .rule_contest(&sam, &filing.id, 1, &ruling(Ruling::Accept, "place names"))
        .unwrap_err();
    assert!(
        matches!(not_theirs, PortError::NotFound { .. }),
        "{not_theirs:?}"
    );
    let shown = f.port.filing(&wei, &filing.id).unwrap();
    assert_eq!(shown.contests.len(), 1);
    assert_eq!(
        shown.contests[0].justification,
        "the column holds airport names"
    );
    let rejected = f
        .port
        .rule_contest(
            &wei,
            &filing.id,
            1,
            &ruling(Ruling::Reject, "show me the values first"),
        )
        .unwrap();
    assert_eq!(rejected.contest.status, ContestStatus::Rejected);
    assert_eq!(
        (rejected.judgement, rejected.status),
        (1, FilingStatus::InReview)
    );
    let again = f
        .port
        .rule_contest(
            &wei,
            &filing.id,
            1,
            &ruling(Ruling::Accept, "changed my mind"),
        )
        .unwrap_err();
    assert!(matches!(again, PortError::Conflict { .. }), "{again:?}");
    assert_eq!(f.port.filing(&alice, &filing.id).unwrap().judgement, 1);

    // A reason with personal data in it is refused (it would be logged).
    let second = f
        .port
        .contest(
            &alice,
            &filing.id,
            &contest_name(NOT_PERSONAL_DATA, "IATA codes: PEK, PVG, CAN"),
        )
        .unwrap();
    let leaky = f
        .port
        .rule_contest(
            &wei,
            &filing.id,
            second.seq,
            &ruling(Ruling::Accept, "ask alice@example.com"),
        )
        .unwrap_err();
    assert!(
        matches!(&leaky, PortError::Invalid { field, .. } if field == "reason"),
        "{leaky:?}"
    );

    // Accepted: an override, logged; judged again without the column, China's side is no
    // longer covered, its case closes and the filing clears by the rules.
    let accepted = f
        .port
        .rule_contest(
            &wei,
            &filing.id,
            second.seq,
            &ruling(Ruling::Accept, "the column holds place names, not people's"),
        )
        .unwrap();
    assert_eq!(accepted.contest.status, ContestStatus::Accepted);
    assert_eq!(accepted.judgement, 2);
    assert_eq!(
        accepted.outcomes_before["cn"],
        "STANDARD_CONTRACT_OR_CERTIFICATION"
    );
    assert_eq!(accepted.outcomes["cn"], "EXEMPT");
    assert_eq!(accepted.status, FilingStatus::Cleared);
    assert_eq!(accepted.cases[0].status, CaseStatus::Closed);
    let override_index = accepted.contest.log_index.unwrap();

    let after = f.port.filing(&alice, &filing.id).unwrap();
    assert_eq!((after.judgement, after.status), (2, FilingStatus::Cleared));
    assert_eq!(after.decision["cn"]["outcome"], "EXEMPT");
    // Cleared by the rules: a `decision` entry after the override's, with a receipt.
    assert_eq!(after.log_index, Some(override_index + 1));
    f.port.catch_up_cosigning().unwrap();
    assert!(f.port.receipt(&alice, &filing.id).unwrap().is_some());
    // The auditor sees the override; the other exporter does not.
    let overrides = f.port.overrides(&audrey).unwrap();
    assert_eq!(overrides.len(), 1);
    assert_eq!(overrides[0].ruled_by.as_deref(), Some("wei"));
    assert!(f.port.overrides(&bob).unwrap().is_empty());
    // No contest on a filing that is no longer under review.
    let late = f.port.contest(&alice, &filing.id, &good).unwrap_err();
    assert!(matches!(late, PortError::Conflict { .. }), "{late:?}");
    // The transfer is recorded with the inventory as judged: it counts nobody.
    let journal = f.port.journal(&f.admin, 0).unwrap();
    let actions: Vec<&str> = journal.iter().map(|j| j.action.as_str()).collect();
    for action in [
        "contest.create",
        "contest.reject",
        "contest.accept",
        "filing.rejudge",
        "case.close",
        "filing.clear",
    ] {
        assert!(actions.contains(&action), "{action}: {actions:?}");
    }
    // The audit bundle verifies, the filing cleared by the rules among the cleared and the
    // override among the overrides, each with its receipt.
    let bundle = f.port.audit_bundle(&audrey).unwrap();
    assert!(
        bundle.cleared.iter().any(|c| c.filing == filing.id),
        "{bundle:?}"
    );
    assert_eq!(bundle.overrides.len(), 1, "{bundle:?}");
    assert_eq!(
        (
            bundle.overrides[0].filing.as_str(),
            bundle.overrides[0].contest,
            bundle.overrides[0].reviewer.as_str(),
            bundle.overrides[0].log_index
        ),
        (filing.id.as_str(), second.seq, "wei", override_index)
    );
    let policy = freeport_tlog::policy::Policy::parse(&f.port.trust_policy().unwrap()).unwrap();
    let outcome = freeport_port::audit::verify_bundle(&bundle, &policy, None);
    assert!(outcome.verified(), "{:?}", outcome.failures);
    assert_eq!(outcome.overrides_verified, 1);
    // An override claimed for another contest than the one logged does not verify.
    let mut moved = bundle.clone();
    moved.overrides[0].contest += 1;
    let outcome = freeport_port::audit::verify_bundle(&moved, &policy, None);
    assert_eq!(outcome.failures.len(), 1, "{:?}", outcome.failures);
    assert!(
        outcome.failures[0].reason.contains("`contest`"),
        "{:?}",
        outcome.failures
    );
}

/// An override is one side's reviewer's judgement: accepted by China's reviewer, it does not
/// close the US case its new judgement no longer needs; that case waits, with its new outcome,
/// for the US reviewer to confirm it.
#[test]
fn an_override_accepted_by_one_side_leaves_the_other_sides_case_to_its_own_reviewer() {
    let f = port();
    let us_key = SigningKey::generate("sam", KeyKind::Ed25519).unwrap();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let wei = f.make(&account(
        "wei",
        Role::CnReviewer,
        None,
        Some(&SigningKey::generate("wei", KeyKind::Ed25519).unwrap()),
    ));
    let sam = f.make(&account("sam", Role::UsReviewer, None, Some(&us_key)));
    // Names collected in China (China's review) and diagnoses collected in the US (a
    // restricted transaction with a covered person).
    let mut facts: serde_json::Value = serde_json::from_str(&facts("both-sides")).unwrap();
    facts["data"]["inventory"]
        .as_array_mut()
        .unwrap()
        .retain(|e| {
            matches!(
                e["category"].as_str(),
                Some("person.name" | "health.diagnosis")
            )
        });
    let filing = f.port.file(&alice, &facts.to_string()).unwrap();
    assert_eq!(filing.decision["us"]["outcome"], "RESTRICTED");
    assert_eq!(filing.cases.len(), 2);
    let contest = f
        .port
        .contest(
            &alice,
            &filing.id,
            &NewContest {
                category: "health.diagnosis".into(),
                collected_in: Some("us".into()),
                source: Some("claims.csv:icd_chapter_names".into()),
                becomes: NOT_PERSONAL_DATA.into(),
                justification: "the column lists the chapters of ICD-10, not patients".into(),
            },
        )
        .unwrap();
    let accepted = f
        .port
        .rule_contest(
            &wei,
            &filing.id,
            contest.seq,
            &ruling(Ruling::Accept, "chapter titles, not diagnoses of people"),
        )
        .unwrap();
    assert_eq!(accepted.outcomes["us"], "NOT_COVERED");
    // The US case is not closed by China's reviewer: open, with the new outcome.
    assert_eq!(accepted.status, FilingStatus::InReview);
    let us = accepted.cases.iter().find(|c| c.side == "us").unwrap();
    assert_eq!(us.status, CaseStatus::Open);
    assert_eq!(us.outcome, "NOT_COVERED");
    // The US reviewer confirms it (an approval on the new judgement); China's case stays open.
    let now = f.port.filing(&sam, &filing.id).unwrap();
    let confirm = sign(&us_key, &sam, &now, Verdict::Approve, &[], &[]);
    let decided = f.port.decide(&sam, &filing.id, &confirm).unwrap();
    assert_eq!(decided.status, CaseStatus::Approved);
    let now = f.port.filing(&alice, &filing.id).unwrap();
    assert_eq!(now.status, FilingStatus::InReview);
    assert_eq!(
        now.cases
            .iter()
            .map(|c| (c.side.as_str(), c.status))
            .collect::<Vec<_>>(),
        [("cn", CaseStatus::Open), ("us", CaseStatus::Approved)]
    );
}

#[test]
fn a_decision_on_an_earlier_judgement_does_not_stand() {
    let f = port();
    let cn_key = SigningKey::generate("wei", KeyKind::Ed25519).unwrap();
    let us_key = SigningKey::generate("sam", KeyKind::Ed25519).unwrap();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let wei = f.make(&account("wei", Role::CnReviewer, None, Some(&cn_key)));
    let sam = f.make(&account("sam", Role::UsReviewer, None, Some(&us_key)));
    let filing = f.port.file(&alice, &facts("both-sides")).unwrap();
    // China approves on judgement 1; the US reviewer signs a decision on judgement 1 too.
    let approval = sign(&cn_key, &wei, &filing, Verdict::Approve, &[], &[]);
    f.port.decide(&wei, &filing.id, &approval).unwrap();
    let stale = sign(&us_key, &sam, &filing, Verdict::Approve, &[], &[]);
    // Then a contest is accepted by the US reviewer: judged again, judgement 2.
    let contest = f
        .port
        .contest(
            &alice,
            &filing.id,
            &NewContest {
                category: "contact.phone".into(),
                collected_in: Some("cn".into()),
                source: Some("claims.csv:hotline".into()),
                becomes: NOT_PERSONAL_DATA.into(),
                justification: "the column holds the insurer's own hotline numbers".into(),
            },
        )
        .unwrap();
    let accepted = f
        .port
        .rule_contest(
            &sam,
            &filing.id,
            contest.seq,
            &ruling(Ruling::Accept, "a company's switchboard number"),
        )
        .unwrap();
    assert_eq!(accepted.judgement, 2);
    // Both sides still need review: China's approval, made on judgement 1, does not carry over.
    let now = f.port.filing(&wei, &filing.id).unwrap();
    assert_eq!(now.status, FilingStatus::InReview);
    assert_eq!(
        now.cases
            .iter()
            .map(|c| (c.side.as_str(), c.status, c.decided_by.clone()))
            .collect::<Vec<_>>(),
        [
            ("cn", CaseStatus::Open, None),
            ("us", CaseStatus::Open, None)
        ]
    );
    // The decision signed on judgement 1 gets a conflict and changes nothing.
    let error = f.port.decide(&sam, &filing.id, &stale).unwrap_err();
    assert!(
        matches!(&error, PortError::Conflict { reason, .. } if reason.contains("judged again")),
        "{error:?}"
    );
    assert_eq!(
        f.port.filing(&sam, &filing.id).unwrap().cases[1].status,
        CaseStatus::Open
    );
    // Signed on judgement 2, it stands.
    let fresh = sign(&us_key, &sam, &now, Verdict::Approve, &[], &[]);
    assert_eq!(
        f.port.decide(&sam, &filing.id, &fresh).unwrap().status,
        CaseStatus::Approved
    );
    let journal = f.port.journal(&f.admin, 0).unwrap();
    assert!(
        journal
            .iter()
            .any(|j| j.action == "case.reopen" && j.target.ends_with("/cn"))
    );
}

#[test]
fn an_approval_is_refused_when_the_volumes_moved_since_filing() {
    let f = port();
    let cn_key = SigningKey::generate("wei", KeyKind::Ed25519).unwrap();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let wei = f.make(&account("wei", Role::CnReviewer, None, Some(&cn_key)));
    let filing = f.port.file(&alice, &facts("china-review")).unwrap();
    assert_eq!(
        filing.cases[0].outcome,
        "STANDARD_CONTRACT_OR_CERTIFICATION"
    );
    // Then 1.5 million people of the same organisation cleared at once: the year's volume
    // now calls for a security assessment (CAC16 Art. 7(2)).
    f.port.file(&alice, &facts("cleared-at-once")).unwrap();
    let approval = sign(&cn_key, &wei, &filing, Verdict::Approve, &[], &[]);
    let error = f.port.decide(&wei, &filing.id, &approval).unwrap_err();
    assert!(
        matches!(&error, PortError::Conflict { reason, .. }
            if reason.contains("SECURITY_ASSESSMENT") && reason.contains("judgement 2")),
        "{error:?}"
    );
    // The new judgement is committed: the case waits with its new outcome.
    let now = f.port.filing(&wei, &filing.id).unwrap();
    assert_eq!(now.judgement, 2);
    assert_eq!(now.cases[0].outcome, "SECURITY_ASSESSMENT");
    assert_eq!(now.cases[0].status, CaseStatus::Open);
    // Decided on the new judgement, the approval stands.
    let approval = sign(&cn_key, &wei, &now, Verdict::Approve, &[], &[]);
    assert_eq!(
        f.port.decide(&wei, &filing.id, &approval).unwrap().status,
        CaseStatus::Approved
    );
    assert_eq!(
        f.port.filing(&alice, &filing.id).unwrap().status,
        FilingStatus::Cleared
    );
}

#[test]
fn documents_are_attached_by_hash_shown_as_required_and_bound_into_decisions() {
    use freeport_port::port::AttachmentKind;
    let f = port();
    let cn_key = SigningKey::generate("wei", KeyKind::Ed25519).unwrap();
    let us_key = SigningKey::generate("sam", KeyKind::Ed25519).unwrap();
    let alice = f.make(&account("alice", Role::Exporter, Some("acme"), None));
    let bob = f.make(&account("bob", Role::Exporter, Some("globex"), None));
    let wei = f.make(&account("wei", Role::CnReviewer, None, Some(&cn_key)));
    let sam = f.make(&account("sam", Role::UsReviewer, None, Some(&us_key)));
    let audrey = f.make(&account("audrey", Role::Auditor, None, None));
    let filing = f.port.file(&alice, &facts("china-review")).unwrap();
    // China's rule names a PIPIA and a standard contract: required, none attached yet.
    let required: Vec<(&str, AttachmentKind, bool)> = filing
        .documents
        .iter()
        .map(|d| (d.side.as_str(), d.kind, d.attached.is_empty()))
        .collect();
    assert!(
        required.contains(&("cn", AttachmentKind::Pipia, true)),
        "{required:?}"
    );
    assert!(
        required.contains(&("cn", AttachmentKind::StandardContract, true)),
        "{required:?}"
    );
    let before = sign(&cn_key, &wei, &filing, Verdict::Approve, &[], &[]);

    // Path tricks and empty or oversized documents are refused by field, nothing written.
    let attachments = f.port.layout().attachments_dir();
    for (name, bytes, field) in [
        ("../../etc/passwd", b"x".to_vec(), "file_name"),
        ("a/b.pdf", b"x".to_vec(), "file_name"),
        (".profile", b"x".to_vec(), "file_name"),
        ("pipia.pdf", Vec::new(), "body"),
        (
            "pipia.pdf",
            vec![0; freeport_port::port::MAX_ATTACHMENT_BYTES + 1],
            "body",
        ),
    ] {
        let error = f
            .port
            .attach(&alice, &filing.id, AttachmentKind::Pipia, name, &bytes)
            .unwrap_err();
        assert!(
            matches!(&error, PortError::Invalid { field: got, .. } if got == field),
            "{name}: {error:?}"
        );
    }
    assert!(!attachments.exists());
    // Only the owning exporter attaches.
    for (who, hidden) in [(&bob, true), (&wei, false), (&audrey, false)] {
        let error = f
            .port
            .attach(who, &filing.id, AttachmentKind::Pipia, "p.pdf", b"%PDF")
            .unwrap_err();
        if hidden {
            assert!(matches!(error, PortError::NotFound { .. }), "{error:?}");
        } else {
            assert!(matches!(error, PortError::Forbidden { .. }), "{error:?}");
        }
    }

    let pipia = b"%PDF-1.7 PIPIA of 2026-05-02".to_vec();
    let attached = f
        .port
        .attach(
            &alice,
            &filing.id,
            AttachmentKind::Pipia,
            "PIPIA 2026.pdf",
            &pipia,
        )
        .unwrap();
    assert_eq!(attached.seq, 1);
    assert_eq!(attached.bytes, pipia.len() as u64);
    // Stored once, under its SHA-256.
    let stored = std::fs::read(attachments.join(&attached.sha256)).unwrap();
    assert_eq!(stored, pipia);
    let shown = f.port.filing(&audrey, &filing.id).unwrap();
    assert_eq!(shown.attachments[0].sha256, attached.sha256);
    let pipia_row = shown
        .documents
        .iter()
        .find(|d| d.kind == AttachmentKind::Pipia)
        .unwrap();
    assert_eq!(pipia_row.attached, [1]);

    // The exporter and the side's reviewer download it; the other side, the auditor and
    // another exporter do not.
    assert_eq!(f.port.attachment(&alice, &filing.id, 1).unwrap().1, pipia);
    assert_eq!(f.port.attachment(&wei, &filing.id, 1).unwrap().1, pipia);
    for who in [&sam, &bob] {
        let error = f.port.attachment(who, &filing.id, 1).unwrap_err();
        assert!(matches!(error, PortError::NotFound { .. }), "{error:?}");
    }
    let error = f.port.attachment(&audrey, &filing.id, 1).unwrap_err();
    assert!(matches!(error, PortError::Forbidden { .. }), "{error:?}");
    let error = f.port.attachment(&alice, &filing.id, 9).unwrap_err();
    assert!(matches!(error, PortError::NotFound { .. }), "{error:?}");

    // A decision signed before the document was attached names other documents: a conflict.
    let error = f.port.decide(&wei, &filing.id, &before).unwrap_err();
    assert!(
        matches!(&error, PortError::Conflict { reason, .. } if reason.contains("attached")),
        "{error:?}"
    );
    // Signed over the attachments' hashes, it stands, and its entry binds them.
    let approval = sign(&cn_key, &wei, &shown, Verdict::Approve, &[], &[]);
    assert!(
        approval.attachments == vec![attached.sha256.clone()],
        "{:?}",
        approval.attachments
    );
    f.port.decide(&wei, &filing.id, &approval).unwrap();
    assert!(approval.signed_note.contains(&attached.sha256));
    // A filing no longer under review takes no documents.
    let error = f
        .port
        .attach(&alice, &filing.id, AttachmentKind::Other, "late.pdf", b"x")
        .unwrap_err();
    assert!(matches!(error, PortError::Conflict { .. }), "{error:?}");
    let journal = f.port.journal(&f.admin, 0).unwrap();
    assert!(journal.iter().any(|j| j.action == "attachment.create"));
}
