//! Reviewer keys held by the port, so a reviewer can decide from a browser (issue 18: "the
//! signature is made by the port with the reviewer's key, shown as fingerprint + log entry").
//!
//! A reviewer's decision is a signed note over its `decision` log entry. Who holds the signing
//! key is chosen when the account is made:
//!
//! - **the reviewer** (the default): the admin registers the reviewer's verifier key; the
//!   reviewer signs on their own machine (`freeport review`) and the port only verifies;
//! - **the port** ([`Port::create_account_with_port_key`]): the port generates the key, keeps it
//!   at `<home>/keys/reviewers/<account>.key` (mode 0600, never sent anywhere) and signs when
//!   that reviewer, signed in, decides ([`Port::decide_with_port_key`], the dashboard's form).
//!
//! Custody is never hidden: a port-held key is named `<account>@port` (a name the port refuses
//! for a key a reviewer registers), so the verifier key in the account list, the audit bundle and
//! every signed decision says who held it. Either way the port checks the same signature against
//! the same registered verifier key ([`Port::decide`]), so an auditor verifies both kinds alike.

use std::io::Write;
use std::path::PathBuf;

use freeport_policy::Jurisdiction;
use freeport_tlog::note::{KeyKind, SigningKey, sign_note};
use freeport_util::atomic::AtomicFile;

use crate::port::{
    AccountView, CaseView, DecisionFields, DecisionRequest, FilingView, NewAccount, Token, Verdict,
    check_id, decision_entry, decision_note_text, invalid,
};
use crate::{Port, PortError, Principal};

/// The key-name suffix that marks a key the port holds for a reviewer.
pub const PORT_HELD_SUFFIX: &str = "@port";

/// Who holds a reviewer's signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCustody {
    /// The reviewer, on their own machine.
    Reviewer,
    /// The port, in its home.
    Port,
}

impl KeyCustody {
    /// Who holds the key behind a verifier key named `key_name`.
    #[must_use]
    pub fn of_key_name(key_name: &str) -> Self {
        if key_name.ends_with(PORT_HELD_SUFFIX) {
            Self::Port
        } else {
            Self::Reviewer
        }
    }
}

/// A decision as a reviewer makes it: what the form or the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionForm {
    /// Approve, approve with conditions, or refuse.
    pub verdict: Verdict,
    /// Conditions of an approval.
    pub conditions: Vec<String>,
    /// Public reasons (required for a refusal).
    pub public_reasons: Vec<String>,
}

/// The request that decides `filing`'s `side` as `reviewer`: the decision entry built from the
/// filing and `form`, signed with `key`, stamped `decided_at` (RFC 3339 UTC). One builder for
/// the reviewer's own client and for the port signing with a key it holds. The entry names the
/// judgement and the attachments of `filing` as the reviewer saw them.
///
/// # Errors
///
/// [`PortError::Invalid`] when the entry cannot be built; [`PortError::Log`] when `key` cannot
/// sign a note.
pub fn signed_decision(
    filing: &FilingView,
    side: Jurisdiction,
    reviewer: &str,
    form: &DecisionForm,
    key: &SigningKey,
    decided_at: String,
) -> Result<DecisionRequest, PortError> {
    let packs = filing.rule_packs();
    let attachments = filing.attachment_hashes();
    let entry = decision_entry(&DecisionFields {
        filing: &filing.id,
        side,
        reviewer,
        verdict: form.verdict,
        conditions: &form.conditions,
        public_reasons: &form.public_reasons,
        decided_at: &decided_at,
        rule_packs: &packs,
        judgement: filing.judgement,
        attachments: &attachments,
    })?;
    let signed_note = sign_note(&decision_note_text(&entry), key, "decision")?;
    Ok(DecisionRequest {
        verdict: form.verdict,
        conditions: form.conditions.clone(),
        public_reasons: form.public_reasons.clone(),
        decided_at,
        judgement: filing.judgement,
        attachments,
        signed_note,
    })
}

impl Port {
    /// Where the port keeps the signing key it holds for `account`.
    fn held_key_path(&self, account: &str) -> PathBuf {
        self.layout()
            .keys_dir()
            .join("reviewers")
            .join(format!("{account}.key"))
    }

    /// Creates a reviewer account whose signing key the port generates and holds (see the
    /// module documentation); returns it with its token, shown once. The key is written before
    /// the account exists and removed again if the account cannot be made, and an existing key
    /// file is never replaced.
    ///
    /// # Errors
    ///
    /// Not an admin; not a reviewer role; a verifier key given as well; a bad id; a key already
    /// held for that id; the key cannot be written; as [`Port::create_account`].
    pub fn create_account_with_port_key(
        &self,
        who: &Principal,
        new: &NewAccount,
    ) -> Result<(AccountView, Token), PortError> {
        Self::require(
            who,
            &[freeport_store::docket::Role::Admin],
            "create accounts",
        )?;
        if !matches!(
            new.role,
            freeport_store::docket::Role::CnReviewer | freeport_store::docket::Role::UsReviewer
        ) {
            return Err(invalid(
                "key_custody",
                "only reviewers sign decisions, so only a reviewer's key can be held",
            ));
        }
        if new.public_key.is_some() {
            return Err(invalid(
                "public_key",
                "the port generates the key it holds: give no verifier key",
            ));
        }
        check_id("id", &new.id)?;
        let key = SigningKey::generate(&format!("{}{PORT_HELD_SUFFIX}", new.id), KeyKind::Ed25519)?;
        let path = self.held_key_path(&new.id);
        let written = write_new_secret(&path, &key)
            .map_err(|e| PortError::Internal(format!("cannot write `{}`: {e}", path.display())))?;
        if !written {
            return Err(PortError::Conflict {
                what: "reviewer key",
                id: new.id.clone(),
                reason: "is held by the port already".to_owned(),
            });
        }
        let with_key = NewAccount {
            public_key: Some(key.verifier().to_vkey()),
            key_held_by_port: false,
            ..new.clone()
        };
        self.create_account_checked(who, &with_key, true)
            .inspect_err(|_| {
                // The account was not made: its key must not outlive it.
                let _ = std::fs::remove_file(&path);
            })
    }

    /// Decides the caller's side of `filing` with the key the port holds for the caller,
    /// stamped now: the browser's path to [`Port::decide`], which checks the signature as for
    /// any other decision.
    ///
    /// # Errors
    ///
    /// Not a reviewer; the port holds no key for the caller (they sign with `freeport review`);
    /// the held key is unreadable or not the account's registered key; as [`Port::decide`].
    pub fn decide_with_port_key(
        &self,
        who: &Principal,
        filing: &str,
        form: &DecisionForm,
    ) -> Result<CaseView, PortError> {
        let (side, key) = self.deciding_key(who)?;
        let view = self.filing(who, filing)?;
        let decided_at = crate::port::now();
        let request = signed_decision(&view, side, &who.account, form, &key, decided_at)?;
        self.decide(who, filing, &request)
    }

    /// The side a reviewer deciding from the dashboard decides for and the key the port holds
    /// for them (a filing's case and a chips case alike).
    ///
    /// # Errors
    ///
    /// Not a reviewer; the port holds no key for the caller; the key is unreadable.
    pub(crate) fn deciding_key(
        &self,
        who: &Principal,
    ) -> Result<(Jurisdiction, SigningKey), PortError> {
        Self::require(
            who,
            &[
                freeport_store::docket::Role::CnReviewer,
                freeport_store::docket::Role::UsReviewer,
            ],
            "decide cases",
        )?;
        let side = who
            .side()
            .ok_or_else(|| PortError::Internal("a reviewer without a side".into()))?;
        let key = self
            .held_key(&who.account)?
            .ok_or_else(|| PortError::Conflict {
                what: "reviewer key",
                id: who.account.clone(),
                reason: "is held by its reviewer, not the port: decide with `freeport review`"
                    .to_owned(),
            })?;
        Ok((side, key))
    }

    /// The signing key the port holds for `account`, if it holds one.
    ///
    /// # Errors
    ///
    /// The key file exists but cannot be read or parsed.
    pub fn held_key(&self, account: &str) -> Result<Option<SigningKey>, PortError> {
        let path = self.held_key_path(account);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(PortError::Internal(format!(
                    "cannot read `{}`: {e}",
                    path.display()
                )));
            }
        };
        let key = SigningKey::from_text(&text).map_err(|e| {
            PortError::Internal(format!("`{}` is not a signing key: {e}", path.display()))
        })?;
        Ok(Some(key))
    }
}

/// Writes `key` to `path` (mode 0600, temporary file then a link that never replaces): `false`
/// when a file is there already.
fn write_new_secret(path: &std::path::Path, key: &SigningKey) -> std::io::Result<bool> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = AtomicFile::create_with_mode(path, 0o600)?;
    writeln!(file.as_file(), "{}", key.to_text())?;
    file.commit_new().map_err(std::io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custody_is_read_from_the_key_name() {
        assert_eq!(KeyCustody::of_key_name("alice@port"), KeyCustody::Port);
        assert_eq!(KeyCustody::of_key_name("alice"), KeyCustody::Reviewer);
        assert_eq!(KeyCustody::of_key_name("port"), KeyCustody::Reviewer);
    }
}
