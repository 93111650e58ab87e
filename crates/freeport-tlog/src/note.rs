//! Signed notes, keys, checkpoints and cosignatures (C2SP signed-note, tlog-checkpoint,
//! tlog-cosignature).
//!
//! Note parsing, signing and verification are `signed_note` 0.2's; this module adds what 0.2
//! lacks (`transparency-log.md` §9.2): the cosignature/v1 Ed25519 signature type `0x04` as a
//! `signed_note` signer and verifier, one key type for both signature types, and error messages
//! that say which rule a malformed note breaks (the crate only says "malformed note").
//! Checkpoints are parsed here rather than with `tlog_tiles::Checkpoint` for the same reason.
//!
//! Key files: public keys are C2SP vkeys (`<name>+<hex id>+<base64(type || key)>`); private keys
//! use the Go / azul convention `PRIVATE+KEY+<name>+<hex id>+<base64(type || seed)>` (not part of
//! the specification, `transparency-log.md` §1).

use std::fmt::Write as _;

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use ed25519_dalek::{Signer as _, Verifier as _};
use signed_note::{Note, NoteError, Signature, VerificationError, VerifierList};

use crate::merkle::{Hash, hash_from_base64, hash_to_base64};
use crate::{Error, Result};

/// Signature type byte of a plain Ed25519 note signature.
pub const TYPE_ED25519: u8 = 0x01;
/// Signature type byte of a timestamped Ed25519 cosignature (cosignature/v1).
pub const TYPE_COSIGNATURE: u8 = 0x04;

/// What a key signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `0x01`: Ed25519 over the note text (log keys).
    Ed25519,
    /// `0x04`: timestamped Ed25519 cosignature/v1 (witness keys).
    Cosignature,
}

impl KeyKind {
    fn type_byte(self) -> u8 {
        match self {
            Self::Ed25519 => TYPE_ED25519,
            Self::Cosignature => TYPE_COSIGNATURE,
        }
    }

    fn from_type_byte(byte: u8) -> Option<Self> {
        match byte {
            TYPE_ED25519 => Some(Self::Ed25519),
            TYPE_COSIGNATURE => Some(Self::Cosignature),
            _ => None,
        }
    }
}

fn key_id(name: &str, kind: KeyKind, public: &ed25519_dalek::VerifyingKey) -> u32 {
    let mut typed = vec![kind.type_byte()];
    typed.extend_from_slice(public.as_bytes());
    signed_note::key_id(name, &typed)
}

/// A public key that verifies note signatures or cosignatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    id: u32,
    kind: KeyKind,
    key: ed25519_dalek::VerifyingKey,
}

impl VerifierKey {
    /// Parses a C2SP vkey, `<name>+<hex id>+<base64(type || public key)>`.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] naming the element that is wrong.
    pub fn from_vkey(text: &str) -> Result<Self> {
        let text = text.trim_end_matches('\n');
        let bad = |reason: &str| Error::malformed("verifier key", format!("`{text}`: {reason}"));
        let (name, rest) = text
            .split_once('+')
            .ok_or_else(|| bad("expected `<name>+<id>+<key>`"))?;
        let (id_hex, key_b64) = rest
            .split_once('+')
            .ok_or_else(|| bad("expected `<name>+<id>+<key>`"))?;
        if !signed_note::is_key_name_valid(name) {
            return Err(bad("key name is empty or has spaces or `+`"));
        }
        if id_hex.len() != 8 {
            return Err(bad("key id is not 8 hex digits"));
        }
        let id = u32::from_str_radix(id_hex, 16).map_err(|_| bad("key id is not hex"))?;
        let bytes = BASE64_STANDARD
            .decode(key_b64)
            .map_err(|_| bad("key is not standard base64"))?;
        let (type_byte, public) = bytes.split_first().ok_or_else(|| bad("key is empty"))?;
        let kind = KeyKind::from_type_byte(*type_byte).ok_or_else(|| {
            bad(&format!(
                "signature type 0x{type_byte:02x} is not Ed25519 (0x01) or cosignature/v1 (0x04)"
            ))
        })?;
        let public: [u8; 32] = public
            .try_into()
            .map_err(|_| bad("an Ed25519 public key has 32 bytes"))?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&public)
            .map_err(|_| bad("not a valid Ed25519 public key"))?;
        if key_id(name, kind, &key) != id {
            return Err(bad("key id does not match the name and key"));
        }
        Ok(Self {
            name: name.to_owned(),
            id,
            kind,
            key,
        })
    }

    /// The vkey text.
    #[must_use]
    pub fn to_vkey(&self) -> String {
        let mut typed = vec![self.kind.type_byte()];
        typed.extend_from_slice(self.key.as_bytes());
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.id,
            BASE64_STANDARD.encode(typed)
        )
    }

    /// The key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    #[must_use]
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The signature type.
    #[must_use]
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The raw Ed25519 public key.
    #[must_use]
    pub fn public_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// `name+id`, how errors refer to a key.
    #[must_use]
    pub fn label(&self) -> String {
        format!("{}+{:08x}", self.name, self.id)
    }
}

impl signed_note::Verifier for VerifierKey {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.id
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self.kind {
            KeyKind::Ed25519 => {
                let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else {
                    return false;
                };
                self.key.verify(msg, &sig).is_ok()
            }
            KeyKind::Cosignature => {
                let Some((ts, sig)) = sig.split_first_chunk::<8>() else {
                    return false;
                };
                let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else {
                    return false;
                };
                let ts = u64::from_be_bytes(*ts);
                self.key.verify(&cosignature_message(ts, msg), &sig).is_ok()
            }
        }
    }
}

/// `cosignature/v1\ntime <ts>\n<checkpoint body>` (tlog-cosignature, `transparency-log.md` §4).
fn cosignature_message(timestamp: u64, body: &[u8]) -> Vec<u8> {
    let mut msg = format!("cosignature/v1\ntime {timestamp}\n").into_bytes();
    msg.extend_from_slice(body);
    msg
}

/// A private key: the log's note-signing key or a witness's cosigning key.
#[derive(Clone)]
pub struct SigningKey {
    name: String,
    id: u32,
    kind: KeyKind,
    key: ed25519_dalek::SigningKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        write!(f, "SigningKey({}+{:08x})", self.name, self.id)
    }
}

impl SigningKey {
    /// A fresh key from the operating system's random source.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] when `name` is not a valid key name.
    pub fn generate(name: &str, kind: KeyKind) -> Result<Self> {
        let key = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
        Self::from_parts(name, kind, key)
    }

    /// A key from a 32-byte seed (deterministic; for tests and fixtures).
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] when `name` is not a valid key name.
    pub fn from_seed(name: &str, kind: KeyKind, seed: [u8; 32]) -> Result<Self> {
        Self::from_parts(name, kind, ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    fn from_parts(name: &str, kind: KeyKind, key: ed25519_dalek::SigningKey) -> Result<Self> {
        if !signed_note::is_key_name_valid(name) {
            return Err(Error::malformed(
                "key name",
                format!("`{name}` is empty or has spaces or `+`"),
            ));
        }
        let id = key_id(name, kind, &key.verifying_key());
        Ok(Self {
            name: name.to_owned(),
            id,
            kind,
            key,
        })
    }

    /// Parses `PRIVATE+KEY+<name>+<hex id>+<base64(type || seed)>`.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] naming what is wrong (never echoing the secret).
    pub fn from_text(text: &str) -> Result<Self> {
        let bad = |reason: &str| Error::malformed("private key", reason.to_owned());
        let rest = text
            .trim_end_matches('\n')
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| bad("does not start with `PRIVATE+KEY+`"))?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id_hex), Some(key_b64)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("expected `PRIVATE+KEY+<name>+<id>+<key>`"));
        };
        let id = u32::from_str_radix(id_hex, 16)
            .ok()
            .filter(|_| id_hex.len() == 8)
            .ok_or_else(|| bad("key id is not 8 hex digits"))?;
        let bytes = BASE64_STANDARD
            .decode(key_b64)
            .map_err(|_| bad("key is not standard base64"))?;
        let (type_byte, seed) = bytes.split_first().ok_or_else(|| bad("key is empty"))?;
        let kind = KeyKind::from_type_byte(*type_byte)
            .ok_or_else(|| bad("signature type is not 0x01 or 0x04"))?;
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| bad("an Ed25519 seed has 32 bytes"))?;
        let key = Self::from_seed(name, kind, seed)?;
        if key.id != id {
            return Err(bad("key id does not match the name and key"));
        }
        Ok(key)
    }

    /// The private key text (secret: write it with mode 0600).
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut typed = vec![self.kind.type_byte()];
        typed.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.id,
            BASE64_STANDARD.encode(typed)
        )
    }

    /// The matching public key.
    #[must_use]
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id,
            kind: self.kind,
            key: self.key.verifying_key(),
        }
    }

    /// The key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signature type.
    #[must_use]
    pub fn kind(&self) -> KeyKind {
        self.kind
    }
}

/// A `signed_note` signer for one key; cosignatures carry the timestamp given here.
struct NoteSigner<'a> {
    key: &'a SigningKey,
    timestamp: u64,
}

impl signed_note::Signer for NoteSigner<'_> {
    fn name(&self) -> &str {
        &self.key.name
    }

    fn key_id(&self) -> u32 {
        self.key.id
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ed25519_dalek::SignatureError> {
        Ok(match self.key.kind {
            KeyKind::Ed25519 => self.key.key.sign(msg).to_bytes().to_vec(),
            KeyKind::Cosignature => {
                let sig = self.key.key.sign(&cosignature_message(self.timestamp, msg));
                let mut out = self.timestamp.to_be_bytes().to_vec();
                out.extend_from_slice(&sig.to_bytes());
                out
            }
        })
    }
}

/// A checkpoint body (C2SP tlog-checkpoint): origin, tree size, root hash, extension lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// The log's origin line.
    pub origin: String,
    /// Number of entries.
    pub size: u64,
    /// RFC 6962 root hash.
    pub root: Hash,
    /// Optional extension lines (not recommended; kept to round-trip).
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text: `<origin>\n<size>\n<base64 root>\n[extensions]`.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            hash_to_base64(&self.root)
        );
        for line in &self.extensions {
            let _ = writeln!(text, "{line}");
        }
        text
    }

    /// Parses a checkpoint body (the text of a note, without signatures).
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] naming the line and rule that fail.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |reason: String| Error::malformed("checkpoint", reason);
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| bad("does not end with a newline".into()))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty() {
            return Err(bad("origin line (line 1) is empty".into()));
        }
        let size_text = lines
            .next()
            .ok_or_else(|| bad("has no tree size line (line 2)".into()))?;
        let size = parse_size(size_text).ok_or_else(|| {
            bad(format!(
                "tree size `{size_text}` is not a decimal without leading zeros"
            ))
        })?;
        let root_text = lines
            .next()
            .ok_or_else(|| bad("has no root hash line (line 3)".into()))?;
        let root = hash_from_base64(root_text, "checkpoint")?;
        let mut extensions = Vec::new();
        for (i, line) in lines.enumerate() {
            if line.is_empty() {
                return Err(bad(format!("extension line {} is empty", i + 4)));
            }
            extensions.push(line.to_owned());
        }
        if size == 0 && root != crate::merkle::EMPTY_HASH {
            return Err(bad(
                "tree size 0 with a root other than the empty tree's".into()
            ));
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }
}

/// Parses a tree size: ASCII decimal, no sign, no leading zeros ("0" for the empty tree).
pub(crate) fn parse_size(text: &str) -> Option<u64> {
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit())
        || (text.len() > 1 && text.starts_with('0'))
    {
        return None;
    }
    text.parse().ok()
}

/// A signature on a note that a known key verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The key name.
    pub name: String,
    /// The key ID.
    pub id: u32,
    /// The cosignature timestamp, for cosignature/v1 signatures.
    pub timestamp: Option<u64>,
}

/// A note whose signatures have been checked against a set of keys.
#[derive(Debug)]
pub struct OpenedNote {
    /// The note text (ends with a newline).
    pub text: String,
    /// Signatures by known keys that verified.
    pub verified: Vec<VerifiedSignature>,
    /// Signature lines by unknown keys, kept verbatim (e.g. other witnesses' cosignatures).
    pub unknown: Vec<String>,
}

/// Parses a signed note and verifies its signatures against `keys` (signed-note verifier rules:
/// unknown keys are ignored, a known key's bad signature rejects the note, at least one known
/// key must verify).
///
/// # Errors
///
/// [`Error::Malformed`] with the broken rule; [`Error::Signature`] when no known key signed or a
/// known key's signature fails.
pub fn open_note(bytes: &[u8], keys: &[VerifierKey], what: &'static str) -> Result<OpenedNote> {
    let note = Note::from_bytes(bytes).map_err(|_| diagnose(bytes, what))?;
    let verifiers = VerifierList::new(
        keys.iter()
            .map(|k| Box::new(k.clone()) as Box<dyn signed_note::Verifier>)
            .collect(),
    );
    let (verified, unknown) = note.verify(&verifiers).map_err(|e| match e {
        NoteError::UnverifiedNote => Error::signature(
            what,
            format!(
                "no signature by {}",
                keys.iter()
                    .map(|k| format!("`{}`", k.label()))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        ),
        NoteError::InvalidSignature { name, id } => Error::signature(
            what,
            format!("the signature by `{name}+{id:08x}` does not verify"),
        ),
        NoteError::VerificationError(VerificationError::AmbiguousKey { name, id }) => {
            Error::signature(what, format!("two trusted keys share `{name}+{id:08x}`"))
        }
        other => Error::signature(what, other.to_string()),
    })?;
    let text = String::from_utf8_lossy(note.text()).into_owned();
    let verified = verified
        .iter()
        .map(|sig| VerifiedSignature {
            name: sig.name().to_owned(),
            id: sig.id(),
            timestamp: keys
                .iter()
                .find(|k| k.name == sig.name() && k.id == sig.id())
                .filter(|k| k.kind == KeyKind::Cosignature)
                .and_then(|_| sig.signature().first_chunk::<8>())
                .map(|ts| u64::from_be_bytes(*ts)),
        })
        .collect();
    let unknown = unknown
        .iter()
        .map(|sig| String::from_utf8_lossy(&sig.to_bytes()).into_owned())
        .collect();
    Ok(OpenedNote {
        text,
        verified,
        unknown,
    })
}

/// Says which signed-note rule `bytes` breaks, for `signed_note`'s bare "malformed note".
fn diagnose(bytes: &[u8], what: &'static str) -> Error {
    let bad = |reason: String| Error::malformed(what, reason);
    if bytes.len() > 1_000_000 {
        return bad(format!("note of {} bytes exceeds 1,000,000", bytes.len()));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bad("note is not UTF-8".into());
    };
    if let Some((offset, ch)) = text
        .char_indices()
        .find(|(_, c)| *c < '\u{20}' && *c != '\n')
    {
        return bad(format!(
            "control character U+{:04X} at byte {offset}",
            u32::from(ch)
        ));
    }
    let Some((_, sigs)) = text.rsplit_once("\n\n") else {
        return bad("no empty line separates the text from the signatures".into());
    };
    let Some(sigs) = sigs.strip_suffix('\n') else {
        return bad("the last signature line does not end with a newline".into());
    };
    let lines: Vec<&str> = sigs.split('\n').collect();
    if lines.len() > 100 {
        return bad(format!(
            "{} signatures, at most 100 are accepted",
            lines.len()
        ));
    }
    for (i, line) in lines.iter().enumerate() {
        if Signature::from_bytes(line.as_bytes()).is_err() {
            let reason = match line.strip_prefix("— ").map(|l| l.split_once(' ')) {
                None => "does not start with an em dash and a space",
                Some(None) => "has no space between key name and signature",
                Some(Some((name, _))) if !signed_note::is_key_name_valid(name) => {
                    "has an invalid key name"
                }
                Some(Some(_)) => "signature is not base64 of a key ID and at least one byte",
            };
            return bad(format!("signature line {} {reason}", i + 1));
        }
    }
    bad("note is malformed".into())
}

/// Signs a checkpoint with the log key, giving the signed note text.
///
/// # Errors
///
/// [`Error::Signature`] when the key is not an Ed25519 note key or signing fails.
pub fn sign_checkpoint(checkpoint: &Checkpoint, key: &SigningKey) -> Result<String> {
    if key.kind != KeyKind::Ed25519 {
        return Err(Error::signature(
            "checkpoint",
            format!("`{}` is a cosigning key, not a log key", key.name),
        ));
    }
    sign_note(&checkpoint.to_text(), key, "checkpoint")
}

/// The keys (name and key id) whose signature lines `note` carries, read without verifying
/// anything: for showing who signed (a fingerprint); [`open_note`] verifies.
#[must_use]
pub fn note_signers(note: &str) -> Vec<(String, u32)> {
    let Some((_, lines)) = note.rsplit_once("\n\n") else {
        return Vec::new();
    };
    lines
        .lines()
        .filter_map(|line| Signature::from_bytes(line.as_bytes()).ok())
        .map(|s| (s.name().to_owned(), s.id()))
        .collect()
}

/// Signs `text` (lines ending in newlines, no control characters) as a signed note with an
/// Ed25519 note key: a log's checkpoint, or a reviewer's decision entry.
///
/// # Errors
///
/// [`Error::Signature`] naming `what` when the key is a cosigning key, the text is not note
/// text, or signing fails.
pub fn sign_note(text: &str, key: &SigningKey, what: &'static str) -> Result<String> {
    if key.kind != KeyKind::Ed25519 {
        return Err(Error::signature(
            what,
            format!("`{}` is a cosigning key, not a signing key", key.name),
        ));
    }
    let mut note =
        Note::new(text.as_bytes(), &[]).map_err(|e| Error::signature(what, e.to_string()))?;
    note.add_sigs(&[&NoteSigner { key, timestamp: 0 }])
        .map_err(|e| Error::signature(what, e.to_string()))?;
    Ok(String::from_utf8_lossy(&note.to_bytes()).into_owned())
}

/// A cosignature/v1 line (`— <name> <base64(id || ts || sig)>\n`) over a checkpoint body.
///
/// # Errors
///
/// [`Error::Signature`] when the key is not a cosigning key or `timestamp` is zero.
pub fn cosign(body: &str, key: &SigningKey, timestamp: u64) -> Result<String> {
    if key.kind != KeyKind::Cosignature {
        return Err(Error::signature(
            "cosignature",
            format!("`{}` is a log key, not a cosigning key", key.name),
        ));
    }
    if timestamp == 0 || timestamp > i64::MAX as u64 {
        return Err(Error::signature(
            "cosignature",
            "timestamp must be in 1..=2^63-1",
        ));
    }
    let signer = NoteSigner { key, timestamp };
    let sig = signed_note::Signer::sign(&signer, body.as_bytes())
        .map_err(|e| Error::signature("cosignature", e.to_string()))?;
    let sig = Signature::new(key.name.clone(), key.id, sig)
        .map_err(|e| Error::signature("cosignature", e.to_string()))?;
    Ok(String::from_utf8_lossy(&sig.to_bytes()).into_owned())
}

/// Adds signature lines to a signed note (e.g. cosignatures returned by witnesses), dropping
/// exact duplicates.
#[must_use]
pub fn add_signature_lines(note: &str, lines: &[String]) -> String {
    let mut out = note.to_owned();
    for line in lines {
        let line = if line.ends_with('\n') {
            line.clone()
        } else {
            format!("{line}\n")
        };
        if !out.contains(&line) {
            out.push_str(&line);
        }
    }
    out
}

/// Writes a key pair: `<prefix>.key` (private, created with mode 0600, never overwritten) and
/// `<prefix>.vkey` (public). Returns the two paths.
///
/// # Errors
///
/// [`Error::Key`] when a file exists; [`Error::Io`] when one cannot be written.
pub fn save_key_pair(
    prefix: &std::path::Path,
    key: &SigningKey,
) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    use std::io::Write as _;
    let private = prefix.with_extension("key");
    let public = prefix.with_extension("vkey");
    for path in [&private, &public] {
        if path.exists() {
            return Err(Error::Key {
                path: path.display().to_string(),
                reason: "already exists; keys are never overwritten".into(),
            });
        }
    }
    // Written whole under a temporary name and linked into place (never over an existing key):
    // a process killed while writing leaves no truncated key behind.
    let mut file = freeport_util::AtomicFile::create_with_mode(&private, 0o600)
        .map_err(|e| Error::io("create", &private, e))?;
    file.write_all(format!("{}\n", key.to_text()).as_bytes())
        .map_err(|e| Error::io("write", &private, e))?;
    let created = file
        .commit_new()
        .map_err(|e| Error::io("write", &private, e.error))?;
    if !created {
        return Err(Error::Key {
            path: private.display().to_string(),
            reason: "already exists; keys are never overwritten".into(),
        });
    }
    freeport_util::write_atomic(
        &public,
        format!("{}\n", key.verifier().to_vkey()).as_bytes(),
    )
    .map_err(|e| Error::io("write", &public, e))?;
    Ok((private, public))
}

/// Reads a private key file, refusing one that group or others can read.
///
/// # Errors
///
/// [`Error::Key`] for unsafe permissions or a malformed key.
pub fn load_signing_key(path: &std::path::Path) -> Result<SigningKey> {
    use std::os::unix::fs::PermissionsExt as _;
    let meta = std::fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::Key {
            path: path.display().to_string(),
            reason: format!(
                "private key is readable by group or others (mode {mode:04o}); run `chmod 600 {}`",
                path.display()
            ),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
    SigningKey::from_text(text.trim()).map_err(|e| Error::Key {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Reads a vkey file.
///
/// # Errors
///
/// [`Error::Key`] for a malformed key.
pub fn load_verifier_key(path: &std::path::Path) -> Result<VerifierKey> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
    VerifierKey::from_vkey(text.trim()).map_err(|e| Error::Key {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signed-note specification's example (`transparency-log.md` §1).
    #[test]
    fn spec_example_note_verifies() {
        let vkey = VerifierKey::from_vkey(
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        )
        .unwrap();
        let note = "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
        let opened = open_note(note.as_bytes(), std::slice::from_ref(&vkey), "note").unwrap();
        assert_eq!(opened.text, "This is an example message.\n");
        assert_eq!(opened.verified[0].id, 0x530d_903a);
        // One changed byte in the text breaks it, and says which key failed.
        let forged = note.replace("example message", "exemplary message");
        let err = open_note(forged.as_bytes(), &[vkey], "note").unwrap_err();
        assert_eq!(
            err.to_string(),
            "signature check failed on note: the signature by `example.com/foo+530d903a` does not verify"
        );
    }

    #[test]
    fn signers_are_read_from_the_signature_lines() {
        let note = "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
        assert_eq!(
            note_signers(note),
            [("example.com/foo".to_owned(), 0x530d_903a)]
        );
        let signed = sign_note("decision\n", &log_key(), "decision").unwrap();
        assert_eq!(
            note_signers(&signed),
            [(
                "freedataport.example/log".to_owned(),
                log_key().verifier().id()
            )]
        );
        assert!(note_signers("no signatures\n").is_empty());
        assert!(note_signers("text\n\nnot a signature line\n").is_empty());
    }

    fn log_key() -> SigningKey {
        SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [7; 32]).unwrap()
    }

    fn witness_key() -> SigningKey {
        SigningKey::from_seed(
            "witness.regulator-cn.example/v1",
            KeyKind::Cosignature,
            [9; 32],
        )
        .unwrap()
    }

    #[test]
    fn key_files_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("log");
        let (private, public) = save_key_pair(&prefix, &log_key()).unwrap();
        let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            load_signing_key(&private).unwrap().verifier(),
            log_key().verifier()
        );
        assert_eq!(load_verifier_key(&public).unwrap(), log_key().verifier());
        assert!(
            save_key_pair(&prefix, &log_key())
                .unwrap_err()
                .to_string()
                .contains("already exists")
        );
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_signing_key(&private).unwrap_err().to_string();
        assert!(
            err.contains("readable by group or others (mode 0644)"),
            "{err}"
        );
    }

    #[test]
    fn keys_round_trip_through_text() {
        for key in [log_key(), witness_key()] {
            let again = SigningKey::from_text(&key.to_text()).unwrap();
            assert_eq!(again.verifier(), key.verifier());
            let vkey = key.verifier().to_vkey();
            assert_eq!(VerifierKey::from_vkey(&vkey).unwrap(), key.verifier());
        }
        // The cosignature key ID uses type 0x04 (so differs from the same seed's 0x01 ID).
        let same_seed =
            SigningKey::from_seed("witness.regulator-cn.example/v1", KeyKind::Ed25519, [9; 32])
                .unwrap();
        assert_ne!(same_seed.verifier().id(), witness_key().verifier().id());
        assert!(format!("{:?}", log_key()).starts_with("SigningKey(freedataport.example/log+"));
    }

    #[test]
    fn bad_keys_are_named() {
        let vkey = log_key().verifier().to_vkey();
        let wrong_id = format!(
            "{}+00000000+{}",
            "freedataport.example/log",
            &vkey[vkey.len() - 44..]
        );
        for (text, reason) in [
            ("nokey", "expected `<name>+<id>+<key>`"),
            (wrong_id.as_str(), "key id does not match"),
            ("a+0000000+AQ==", "not 8 hex digits"),
            ("a+00000000+AgAA", "signature type 0x02"),
        ] {
            let err = VerifierKey::from_vkey(text).unwrap_err().to_string();
            assert!(err.contains(reason), "{text}: {err}");
        }
        let err = SigningKey::from_text("SECRET").unwrap_err().to_string();
        assert!(err.contains("does not start with `PRIVATE+KEY+`"), "{err}");
    }

    #[test]
    fn checkpoints_sign_cosign_and_verify() {
        let cp = Checkpoint {
            origin: "freedataport.example/log".into(),
            size: 7,
            root: crate::merkle::leaf_hash(b"x"),
            extensions: vec![],
        };
        let signed = sign_checkpoint(&cp, &log_key()).unwrap();
        let cosig = cosign(&cp.to_text(), &witness_key(), 1_700_000_000).unwrap();
        assert!(cosig.starts_with("— witness.regulator-cn.example/v1 "));
        let both = add_signature_lines(&signed, &[cosig]);
        let opened = open_note(
            both.as_bytes(),
            &[log_key().verifier(), witness_key().verifier()],
            "checkpoint",
        )
        .unwrap();
        assert_eq!(Checkpoint::parse(&opened.text).unwrap(), cp);
        assert_eq!(opened.verified.len(), 2);
        assert_eq!(opened.verified[1].timestamp, Some(1_700_000_000));
        // Only the log key known: the cosignature is kept as an unknown line.
        let opened = open_note(both.as_bytes(), &[log_key().verifier()], "checkpoint").unwrap();
        assert_eq!(opened.unknown.len(), 1);
        // A key that did not sign.
        let other = SigningKey::from_seed("other.example/log", KeyKind::Ed25519, [1; 32]).unwrap();
        let err = open_note(both.as_bytes(), &[other.verifier()], "checkpoint").unwrap_err();
        assert!(
            err.to_string()
                .contains("no signature by `other.example/log+"),
            "{err}"
        );
        assert!(cosign(&cp.to_text(), &witness_key(), 0).is_err());
        assert!(cosign(&cp.to_text(), &log_key(), 5).is_err());
    }

    #[test]
    fn malformed_notes_and_checkpoints_are_named() {
        let key = [log_key().verifier()];
        for (note, reason) in [
            (&b"text\n"[..], "no empty line separates"),
            (
                b"text\n\n- name AAAA\n",
                "signature line 1 does not start with an em dash",
            ),
            ("text\n\n— name\n".as_bytes(), "has no space between"),
            ("text\n\n— name !!!\n".as_bytes(), "not base64"),
            (b"te\x01xt\n\n", "control character U+0001 at byte 2"),
            (b"\xff\n\n", "not UTF-8"),
        ] {
            let err = open_note(note, &key, "checkpoint").unwrap_err().to_string();
            assert!(err.contains(reason), "{note:?}: {err}");
        }
        let root = hash_to_base64(&crate::merkle::leaf_hash(b"x"));
        for (text, reason) in [
            ("o\n1\nAAAA", "does not end with a newline"),
            ("\n1\nAAAA\n", "origin line (line 1) is empty"),
            ("o\n01\nAAAA\n", "tree size `01`"),
            ("o\n-1\nAAAA\n", "tree size `-1`"),
            ("o\n1\n", "has no root hash line"),
            ("o\n", "has no tree size line"),
            ("o\n1\nAAAA\n", "has 3 bytes, expected 32"),
            (&format!("o\n1\n{root}\n\n"), "extension line 4 is empty"),
            (&format!("o\n0\n{root}\n"), "tree size 0 with a root other"),
        ] {
            let err = Checkpoint::parse(text).unwrap_err().to_string();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
    }
}
