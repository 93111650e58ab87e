//! Trust policies in C2SP tlog-policy form: which logs and witnesses are known, and the quorum
//! of cosignatures a checkpoint needs to be trusted.
//!
//! For the CN–US log the policy reads, e.g. (`transparency-log.md` §7):
//!
//! ```text
//! log freedataport.example/log+1a2b3c4d+AQ...
//! witness cn-1 witness.regulator-cn.example/v1+....+BA...
//! witness us-1 witness.regulator-us.example/v1+....+BA...
//! group cn any cn-1
//! group us any us-1
//! group cn-and-us all cn us
//! quorum cn-and-us
//! ```
//!
//! Rules enforced as the specification states them: exactly one quorum line; names defined before
//! use (so no cycles); each name at most once per group; `1 <= k <= n`; no duplicate public keys;
//! only tab, newline and printable octets; a log's key name is its origin.

use std::collections::BTreeMap;

use crate::note::{Checkpoint, KeyKind, VerifierKey, open_note};
use crate::{Error, Result};

#[derive(Debug, Clone)]
enum Member {
    Witness(VerifierKey),
    Group {
        threshold: usize,
        members: Vec<String>,
    },
}

/// A parsed trust policy.
#[derive(Debug, Clone)]
pub struct Policy {
    logs: Vec<VerifierKey>,
    names: BTreeMap<String, Member>,
    /// `None` for `quorum none`.
    quorum: Option<String>,
}

/// A checkpoint that satisfied a policy.
#[derive(Debug, Clone)]
pub struct Trusted {
    /// The checkpoint body.
    pub checkpoint: Checkpoint,
    /// Names (in the policy) of the witnesses whose cosignatures verified.
    pub witnesses: Vec<String>,
}

impl Policy {
    /// A policy that trusts one log and needs no witness (`quorum none`).
    #[must_use]
    pub fn log_only(log: VerifierKey) -> Self {
        Self {
            logs: vec![log],
            names: BTreeMap::new(),
            quorum: None,
        }
    }

    /// Parses a policy file.
    ///
    /// # Errors
    ///
    /// [`Error::Policy`] with the line number and rule broken.
    pub fn parse(text: &str) -> Result<Self> {
        let mut logs: Vec<VerifierKey> = Vec::new();
        let mut names: BTreeMap<String, Member> = BTreeMap::new();
        let mut quorum: Option<Option<String>> = None;
        let mut keys_seen: Vec<[u8; 32]> = Vec::new();
        for (i, raw) in text.split('\n').enumerate() {
            let line_no = i + 1;
            let bad = |reason: String| Error::Policy {
                line: line_no,
                reason,
            };
            if let Some(b) = raw.bytes().find(|b| *b < 0x20 && *b != b'\t' || *b == 0x7f) {
                return Err(bad(format!("control character 0x{b:02x}")));
            }
            let words: Vec<&str> = raw.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
            let Some((keyword, args)) = words.split_first() else {
                continue;
            };
            if keyword.starts_with('#') {
                continue;
            }
            let mut new_key = |vkey: &VerifierKey| -> Result<()> {
                let raw = vkey_bytes(vkey);
                if keys_seen.contains(&raw) {
                    return Err(bad(format!("duplicate public key `{}`", vkey.label())));
                }
                keys_seen.push(raw);
                Ok(())
            };
            match *keyword {
                "log" => {
                    let [vkey, rest @ ..] = args else {
                        return Err(bad("expected `log <vkey> [<url>]`".into()));
                    };
                    if rest.len() > 1 {
                        return Err(bad("expected `log <vkey> [<url>]`".into()));
                    }
                    let key = VerifierKey::from_vkey(vkey).map_err(|e| bad(e.to_string()))?;
                    if key.kind() != KeyKind::Ed25519 {
                        return Err(bad("a log key must have signature type 0x01".into()));
                    }
                    new_key(&key)?;
                    logs.push(key);
                }
                "witness" => {
                    let [name, vkey, rest @ ..] = args else {
                        return Err(bad("expected `witness <name> <vkey> [<url>]`".into()));
                    };
                    if rest.len() > 1 {
                        return Err(bad("expected `witness <name> <vkey> [<url>]`".into()));
                    }
                    if *name == "none" || names.contains_key(*name) {
                        return Err(bad(format!("name `{name}` is reserved or already defined")));
                    }
                    let key = VerifierKey::from_vkey(vkey).map_err(|e| bad(e.to_string()))?;
                    if key.kind() != KeyKind::Cosignature {
                        return Err(bad(
                            "a witness key must have signature type 0x04 (cosignature/v1)".into(),
                        ));
                    }
                    new_key(&key)?;
                    names.insert((*name).to_owned(), Member::Witness(key));
                }
                "group" => {
                    let [name, k, members @ ..] = args else {
                        return Err(bad("expected `group <name> <k|all|any> <name>...`".into()));
                    };
                    if *name == "none" || names.contains_key(*name) {
                        return Err(bad(format!("name `{name}` is reserved or already defined")));
                    }
                    if members.is_empty() {
                        return Err(bad(format!("group `{name}` has no members")));
                    }
                    let mut listed: Vec<String> = Vec::new();
                    for member in members {
                        if !names.contains_key(*member) {
                            return Err(bad(format!(
                                "member `{member}` is not defined on a preceding line"
                            )));
                        }
                        if listed.iter().any(|m| m == member) {
                            return Err(bad(format!("member `{member}` is listed twice")));
                        }
                        listed.push((*member).to_owned());
                    }
                    let threshold = match *k {
                        "all" => listed.len(),
                        "any" => 1,
                        number => crate::note::parse_size(number)
                            .and_then(|n| usize::try_from(n).ok())
                            .filter(|n| (1..=listed.len()).contains(n))
                            .ok_or_else(|| {
                                bad(format!(
                                    "threshold `{number}` is not `all`, `any` or a number 1..={}",
                                    listed.len()
                                ))
                            })?,
                    };
                    names.insert(
                        (*name).to_owned(),
                        Member::Group {
                            threshold,
                            members: listed,
                        },
                    );
                }
                "quorum" => {
                    let [name] = args else {
                        return Err(bad("expected `quorum <name>`".into()));
                    };
                    if quorum.is_some() {
                        return Err(bad("a second `quorum` line".into()));
                    }
                    if *name == "none" {
                        quorum = Some(None);
                    } else if names.contains_key(*name) {
                        quorum = Some(Some((*name).to_owned()));
                    } else {
                        return Err(bad(format!(
                            "quorum `{name}` is not defined on a preceding line"
                        )));
                    }
                }
                other => {
                    return Err(bad(format!(
                        "unknown keyword `{other}` (expected log, witness, group, quorum)"
                    )));
                }
            }
        }
        let quorum = quorum.ok_or_else(|| Error::Policy {
            line: text.split('\n').count(),
            reason: "no `quorum` line".into(),
        })?;
        Ok(Self {
            logs,
            names,
            quorum,
        })
    }

    /// Verifies a signed checkpoint: signed by a known log whose key name is the origin, and
    /// cosigned by witnesses satisfying the quorum.
    ///
    /// # Errors
    ///
    /// [`Error::Signature`] naming the missing log signature or the unmet groups;
    /// [`Error::WrongOrigin`]; [`Error::Malformed`] for a malformed note or checkpoint.
    pub fn verify(&self, note: &[u8]) -> Result<Trusted> {
        let mut keys = self.logs.clone();
        for member in self.names.values() {
            if let Member::Witness(key) = member {
                keys.push(key.clone());
            }
        }
        let opened = open_note(note, &keys, "checkpoint")?;
        let checkpoint = Checkpoint::parse(&opened.text)?;
        let log = self
            .logs
            .iter()
            .find(|log| {
                opened
                    .verified
                    .iter()
                    .any(|s| s.name == log.name() && s.id == log.id())
            })
            .ok_or_else(|| {
                Error::signature(
                    "checkpoint",
                    format!(
                        "no signature by a log of the policy ({})",
                        self.logs
                            .iter()
                            .map(|l| format!("`{}`", l.label()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        if log.name() != checkpoint.origin {
            return Err(Error::WrongOrigin {
                expected: log.name().to_owned(),
                found: checkpoint.origin,
            });
        }
        let cosigned: Vec<String> = self
            .names
            .iter()
            .filter_map(|(name, member)| match member {
                Member::Witness(key)
                    if opened
                        .verified
                        .iter()
                        .any(|s| s.name == key.name() && s.id == key.id()) =>
                {
                    Some(name.clone())
                }
                _ => None,
            })
            .collect();
        if let Some(quorum) = &self.quorum
            && !self.satisfied(quorum, &cosigned)
        {
            return Err(Error::signature(
                "checkpoint",
                format!(
                    "quorum `{quorum}` not met: {} (cosigned by: {})",
                    self.explain(quorum, &cosigned),
                    if cosigned.is_empty() {
                        "no known witness".to_owned()
                    } else {
                        cosigned.join(", ")
                    }
                ),
            ));
        }
        Ok(Trusted {
            checkpoint,
            witnesses: cosigned,
        })
    }

    fn satisfied(&self, name: &str, cosigned: &[String]) -> bool {
        match self.names.get(name) {
            Some(Member::Witness(_)) => cosigned.iter().any(|c| c == name),
            Some(Member::Group { threshold, members }) => {
                members
                    .iter()
                    .filter(|m| self.satisfied(m, cosigned))
                    .count()
                    >= *threshold
            }
            None => false,
        }
    }

    /// Which groups under `name` are short of their threshold.
    fn explain(&self, name: &str, cosigned: &[String]) -> String {
        match self.names.get(name) {
            Some(Member::Group { threshold, members }) => {
                let have = members
                    .iter()
                    .filter(|m| self.satisfied(m, cosigned))
                    .count();
                let mut out = format!(
                    "group `{name}` needs {threshold} of {} members, has {have}",
                    members.len()
                );
                for member in members {
                    if !self.satisfied(member, cosigned)
                        && matches!(self.names.get(member), Some(Member::Group { .. }))
                    {
                        out.push_str("; ");
                        out.push_str(&self.explain(member, cosigned));
                    }
                }
                out
            }
            _ => format!("witness `{name}` did not cosign"),
        }
    }

    /// The known logs.
    #[must_use]
    pub fn logs(&self) -> &[VerifierKey] {
        &self.logs
    }

    /// The witnesses, by their names in the policy, with their keys.
    #[must_use]
    pub fn witnesses(&self) -> Vec<(&str, &VerifierKey)> {
        self.names
            .iter()
            .filter_map(|(name, member)| match member {
                Member::Witness(key) => Some((name.as_str(), key)),
                Member::Group { .. } => None,
            })
            .collect()
    }
}

fn vkey_bytes(key: &VerifierKey) -> [u8; 32] {
    key.public_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{SigningKey, add_signature_lines, cosign, sign_checkpoint};

    pub(crate) fn keys() -> (SigningKey, SigningKey, SigningKey, SigningKey) {
        let log =
            SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [1; 32]).unwrap();
        let cn = SigningKey::from_seed(
            "witness.regulator-cn.example/v1",
            KeyKind::Cosignature,
            [2; 32],
        )
        .unwrap();
        let cn2 =
            SigningKey::from_seed("witness.univ-cn.example/v1", KeyKind::Cosignature, [4; 32])
                .unwrap();
        let us = SigningKey::from_seed(
            "witness.regulator-us.example/v1",
            KeyKind::Cosignature,
            [3; 32],
        )
        .unwrap();
        (log, cn, cn2, us)
    }

    fn policy_text() -> String {
        let (log, cn, cn2, us) = keys();
        format!(
            "# CN-US log\nlog {}\n\nwitness cn-1 {}\nwitness cn-2 {} https://w.example/\nwitness us-1 {}\n\
             group cn any cn-1 cn-2\ngroup us any us-1\ngroup cn-and-us all cn us\nquorum cn-and-us\n",
            log.verifier().to_vkey(),
            cn.verifier().to_vkey(),
            cn2.verifier().to_vkey(),
            us.verifier().to_vkey()
        )
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            origin: "freedataport.example/log".into(),
            size: 5,
            root: crate::merkle::leaf_hash(b"r"),
            extensions: vec![],
        }
    }

    #[test]
    fn quorum_needs_both_countries() {
        let (log, cn, _, us) = keys();
        let policy = Policy::parse(&policy_text()).unwrap();
        let cp = checkpoint();
        let signed = sign_checkpoint(&cp, &log).unwrap();
        let cn_sig = cosign(&cp.to_text(), &cn, 1_700_000_000).unwrap();
        let us_sig = cosign(&cp.to_text(), &us, 1_700_000_001).unwrap();
        let err = policy
            .verify(add_signature_lines(&signed, std::slice::from_ref(&cn_sig)).as_bytes())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "signature check failed on checkpoint: quorum `cn-and-us` not met: group `cn-and-us` needs 2 of 2 members, has 1; group `us` needs 1 of 1 members, has 0 (cosigned by: cn-1)"
        );
        let trusted = policy
            .verify(add_signature_lines(&signed, &[cn_sig, us_sig]).as_bytes())
            .unwrap();
        assert_eq!(trusted.witnesses, ["cn-1", "us-1"]);
        assert_eq!(trusted.checkpoint, cp);
    }

    #[test]
    fn log_signature_and_origin_are_required() {
        let (log, cn, _, us) = keys();
        let policy = Policy::parse(&policy_text()).unwrap();
        // Cosigned by both witnesses but not signed by the log: the witness signs as "log".
        let cp = checkpoint();
        let bare = format!("{}\n", cp.to_text());
        let cosigs = [
            cosign(&cp.to_text(), &cn, 1).unwrap(),
            cosign(&cp.to_text(), &us, 1).unwrap(),
        ];
        let err = policy
            .verify(add_signature_lines(&bare, &cosigs).as_bytes())
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("no signature by a log of the policy"),
            "{err}"
        );
        let other = Checkpoint {
            origin: "other.example/log".into(),
            ..cp
        };
        let signed = sign_checkpoint(&other, &log).unwrap();
        let err = policy.verify(signed.as_bytes()).unwrap_err();
        assert!(matches!(err, Error::WrongOrigin { .. }), "{err}");
    }

    #[test]
    fn bad_policies_name_the_line() {
        let (log, cn, _, _) = keys();
        let l = log.verifier().to_vkey();
        let w = cn.verifier().to_vkey();
        for (text, reason) in [
            (format!("log {l}\n"), "line 2: no `quorum` line"),
            (
                format!("log {l}\nquorum x\n"),
                "line 2: quorum `x` is not defined",
            ),
            (
                format!("witness a {w}\ngroup g 2 a\nquorum g\n"),
                "line 2: threshold `2`",
            ),
            (
                format!("witness a {w}\ngroup g any a a\nquorum g\n"),
                "line 2: member `a` is listed twice",
            ),
            (
                format!("witness a {w}\nwitness b {w}\nquorum a\n"),
                "line 2: duplicate public key",
            ),
            (
                format!("witness a {l}\nquorum a\n"),
                "line 1: a witness key must have signature type 0x04",
            ),
            (
                "quorum none\nquorum none\n".to_owned(),
                "line 2: a second `quorum` line",
            ),
            (
                "frobnicate\nquorum none\n".to_owned(),
                "line 1: unknown keyword `frobnicate`",
            ),
            (
                "group g any\nquorum none\n".to_owned(),
                "line 1: group `g` has no members",
            ),
        ] {
            let err = Policy::parse(&text).unwrap_err().to_string();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
        assert!(Policy::parse("quorum none\n").is_ok());
    }
}
