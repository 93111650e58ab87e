//! Keys: the exporter's Ed25519 manifest-signing key, the age X25519 identity that opens packages
//! sealed to its owner, and the key ring directory (`$FREEPORT_HOME/keys/`) that holds both.
//!
//! The exporter key uses the C2SP signed-note key formats that `freeport-tlog` already speaks:
//! the private key is `PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>` and the public key a vkey
//! `<name>+<id>+<base64(0x01 || key)>`, so trust files name exporters exactly as tlog policies
//! name logs. The age identity file is the standard `AGE-SECRET-KEY-1...` format that the `age`
//! and `rage` tools read, so a recipient can also decrypt `payload.age` by hand.
//!
//! Key ring layout (private files mode 0600 in a 0700 directory; a private key readable by group
//! or others is refused, as `ssh` does):
//!
//! ```text
//! exporter.key    PRIVATE+KEY+... (signs manifests)
//! exporter.vkey   its public key, for the recipient's trust file
//! age.key         AGE-SECRET-KEY-1... (opens packages sealed to you)
//! age.pub         age1...            (give it to exporters: `--seal-to`)
//! ```

use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret as _;
use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use ed25519_dalek::Signer as _;
use freeport_tlog::note::{KeyKind, VerifierKey};

use crate::{Error, Result};

/// The environment variable naming Free Data Port's home directory.
pub use freeport_util::home::HOME_ENV;

/// The key ring's directory name inside the home directory.
pub const KEYS_DIR: &str = "keys";

/// The exporter key name used when none is given.
pub const DEFAULT_EXPORTER_NAME: &str = "freeport-exporter";

/// File names inside a key ring.
pub const EXPORTER_KEY_FILE: &str = "exporter.key";
/// The exporter's public key (vkey) file.
pub const EXPORTER_VKEY_FILE: &str = "exporter.vkey";
/// The age identity file.
pub const AGE_KEY_FILE: &str = "age.key";
/// The age recipient (public key) file.
pub const AGE_PUB_FILE: &str = "age.pub";

/// First line of `manifest.sig`, and (with a NUL) the domain-separation prefix of the signed
/// message, so an exporter signature can never double as a signed-note signature (notes cannot
/// contain NUL).
pub(crate) const SIG_HEADER: &str = "freeport-manifest-signature/v1";

/// The default key ring directory: [`KEYS_DIR`] in the default home
/// ([`freeport_util::home::default_home`]: `$FREEPORT_HOME` if set and not empty, else
/// `~/.local/share/freeport` on Linux), next to the default store.
///
/// # Errors
///
/// [`Error::Key`] when there is no home directory at all.
pub fn default_dir() -> Result<PathBuf> {
    freeport_util::home::default_home()
        .map(|home| home.join(KEYS_DIR))
        .map_err(|e| {
            Error::key(
                Path::new(KEYS_DIR),
                e.to_string(),
                format!("set `{HOME_ENV}` to a directory"),
            )
        })
}

/// The exporter's manifest-signing key (Ed25519) with its key name.
#[derive(Clone)]
pub struct ExporterKey {
    key: ed25519_dalek::SigningKey,
    /// The same key as a signed-note key, which owns the text formats.
    note_key: freeport_tlog::note::SigningKey,
    public: ExporterPublicKey,
}

impl std::fmt::Debug for ExporterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        write!(f, "ExporterKey({})", self.public.label())
    }
}

impl ExporterKey {
    /// A fresh key from the operating system's random source.
    ///
    /// # Errors
    ///
    /// [`Error::Tlog`] when `name` is not a valid key name (empty, spaces or `+`).
    pub fn generate(name: &str) -> Result<Self> {
        Self::from_dalek(
            name,
            ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng),
        )
    }

    /// A key from a 32-byte seed (deterministic; for tests and fixtures).
    ///
    /// # Errors
    ///
    /// [`Error::Tlog`] when `name` is not a valid key name.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self> {
        Self::from_dalek(name, ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    fn from_dalek(name: &str, key: ed25519_dalek::SigningKey) -> Result<Self> {
        // The tlog key type computes the C2SP key id and checks the name.
        let note_key =
            freeport_tlog::note::SigningKey::from_seed(name, KeyKind::Ed25519, key.to_bytes())?;
        let public = ExporterPublicKey::from_verifier(note_key.verifier())?;
        Ok(Self {
            key,
            note_key,
            public,
        })
    }

    /// Parses `PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>`.
    ///
    /// # Errors
    ///
    /// [`Error::Tlog`] naming what is wrong (never echoing the secret), or a key that is not an
    /// Ed25519 signing key.
    pub fn from_text(text: &str) -> Result<Self> {
        let text = text.trim_end_matches('\n');
        let parsed = freeport_tlog::note::SigningKey::from_text(text)?;
        if parsed.kind() != KeyKind::Ed25519 {
            return Err(Error::request(
                "an exporter key must have signature type 0x01 (Ed25519)",
            ));
        }
        // `from_text` checked the layout and the id; take the seed back out of it.
        let seed = text
            .splitn(5, '+')
            .nth(4)
            .and_then(|b64| BASE64_STANDARD.decode(b64).ok())
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.get(1..)?).ok())
            .ok_or_else(|| Error::request("exporter key is not 32 bytes of seed"))?;
        let key = Self::from_seed(parsed.name(), seed)?;
        if key.public.vkey != parsed.verifier() {
            return Err(Error::request("exporter key does not match its key id"));
        }
        Ok(key)
    }

    /// The private key text (secret: written with mode 0600).
    #[must_use]
    pub fn to_text(&self) -> String {
        self.note_key.to_text()
    }

    /// The public half.
    #[must_use]
    pub fn public(&self) -> &ExporterPublicKey {
        &self.public
    }

    /// The `manifest.sig` text for these exact manifest bytes.
    #[must_use]
    pub fn sign_manifest(&self, manifest: &[u8]) -> String {
        let signature = self.key.sign(&signed_message(manifest));
        format!(
            "{SIG_HEADER}\n{}\n{}\n",
            self.public.to_vkey(),
            BASE64_STANDARD.encode(signature.to_bytes())
        )
    }
}

/// The message an exporter signs: a NUL-terminated domain prefix, then the manifest bytes.
fn signed_message(manifest: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(SIG_HEADER.len() + 1 + manifest.len());
    message.extend_from_slice(SIG_HEADER.as_bytes());
    message.push(0);
    message.extend_from_slice(manifest);
    message
}

/// An exporter's public key: a C2SP vkey of signature type 0x01.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExporterPublicKey {
    vkey: VerifierKey,
    key: ed25519_dalek::VerifyingKey,
}

impl ExporterPublicKey {
    /// Parses a vkey `<name>+<id>+<base64(0x01 || key)>`.
    ///
    /// # Errors
    ///
    /// [`Error::Tlog`] for a malformed vkey; [`Error::Request`] for another key type.
    pub fn from_vkey(text: &str) -> Result<Self> {
        Self::from_verifier(VerifierKey::from_vkey(text.trim())?)
    }

    fn from_verifier(vkey: VerifierKey) -> Result<Self> {
        if vkey.kind() != KeyKind::Ed25519 {
            return Err(Error::request(format!(
                "exporter key `{}` is not an Ed25519 key (signature type 0x01)",
                vkey.label()
            )));
        }
        let key = ed25519_dalek::VerifyingKey::from_bytes(&vkey.public_bytes()).map_err(|_| {
            Error::request(format!(
                "exporter key `{}` is not a valid Ed25519 point",
                vkey.label()
            ))
        })?;
        Ok(Self { vkey, key })
    }

    /// The vkey text.
    #[must_use]
    pub fn to_vkey(&self) -> String {
        self.vkey.to_vkey()
    }

    /// `<name>+<id>`, for messages.
    #[must_use]
    pub fn label(&self) -> String {
        self.vkey.label()
    }

    /// Whether `signature` (64 bytes) is this key's strict Ed25519 signature over `manifest`.
    #[must_use]
    pub fn verifies(&self, manifest: &[u8], signature: &[u8; 64]) -> bool {
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        // `verify_strict` rejects non-canonical and small-order encodings, so a signature has one
        // byte form.
        self.key
            .verify_strict(&signed_message(manifest), &signature)
            .is_ok()
    }
}

/// A parsed `manifest.sig`: who signed, and the signature bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestSignature {
    /// The signer's vkey as written.
    pub signer: String,
    /// The Ed25519 signature.
    pub signature: [u8; 64],
}

impl ManifestSignature {
    /// Parses the exact three-line form `ExporterKey::sign_manifest` writes, and nothing else.
    ///
    /// # Errors
    ///
    /// A reason naming the line that breaks the form.
    pub fn parse(bytes: &[u8]) -> std::result::Result<Self, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8".to_owned())?;
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| "does not end with a newline".to_owned())?;
        let lines: Vec<&str> = body.split('\n').collect();
        let [header, signer, signature] = lines.as_slice() else {
            return Err(format!("has {} lines, expected 3", lines.len()));
        };
        if *header != SIG_HEADER {
            return Err(format!("line 1 is not `{SIG_HEADER}`"));
        }
        let decoded = BASE64_STANDARD
            .decode(signature)
            .map_err(|_| "line 3 is not standard base64".to_owned())?;
        let signature = <[u8; 64]>::try_from(decoded.as_slice())
            .map_err(|_| format!("line 3 has {} bytes, expected 64", decoded.len()))?;
        Ok(Self {
            signer: (*signer).to_owned(),
            signature,
        })
    }
}

/// The owner's keys: an exporter signing key and an age identity.
pub struct KeyRing {
    dir: PathBuf,
    exporter: ExporterKey,
    identity: age::x25519::Identity,
    created: Vec<PathBuf>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("dir", &self.dir)
            .field("exporter", &self.exporter)
            .field("recipient", &self.recipient().to_string())
            .finish_non_exhaustive()
    }
}

impl KeyRing {
    /// Opens the key ring in `dir`, creating the directory (mode 0700) and any key that is missing
    /// under the default exporter name. Safe to call from several processes at once: key files
    /// appear only by an atomic no-clobber link, so the first writer wins and the others load its
    /// keys.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] for an unsafe or malformed key file; [`Error::Io`] when files cannot be
    /// written.
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        Self::open_or_create_named(dir, DEFAULT_EXPORTER_NAME)
    }

    /// As [`KeyRing::open_or_create`], naming a newly created exporter key `name`.
    ///
    /// # Errors
    ///
    /// As [`KeyRing::open_or_create`]; [`Error::Tlog`] for an invalid key name.
    pub fn open_or_create_named(dir: &Path, name: &str) -> Result<Self> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| Error::io("create", dir, e))?;
        let mut created = Vec::new();
        let exporter_path = dir.join(EXPORTER_KEY_FILE);
        let exporter = match read_private(&exporter_path)? {
            Some(text) => parse_exporter(&exporter_path, &text)?,
            None => {
                let key = ExporterKey::generate(name)?;
                if write_new(&exporter_path, &format!("{}\n", key.to_text()), 0o600)? {
                    created.push(exporter_path.clone());
                    key
                } else {
                    // Another process won the race: use its key.
                    let text = read_private(&exporter_path)?.unwrap_or_default();
                    parse_exporter(&exporter_path, &text)?
                }
            }
        };
        let age_path = dir.join(AGE_KEY_FILE);
        let identity = match read_private(&age_path)? {
            Some(text) => parse_age_identity(&age_path, &text)?,
            None => {
                let identity = age::x25519::Identity::generate();
                let text = format!(
                    "# created by freeport keys\n# public key: {}\n{}\n",
                    identity.to_public(),
                    identity.to_string().expose_secret()
                );
                if write_new(&age_path, &text, 0o600)? {
                    created.push(age_path.clone());
                    identity
                } else {
                    let text = read_private(&age_path)?.unwrap_or_default();
                    parse_age_identity(&age_path, &text)?
                }
            }
        };
        let ring = Self {
            dir: dir.to_owned(),
            exporter,
            identity,
            created,
        };
        ring.check_public_files(true)?;
        Ok(ring)
    }

    /// Opens an existing key ring, creating nothing.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] when a key is missing, unsafe, malformed, or a public file does not match
    /// its private key.
    pub fn open(dir: &Path) -> Result<Self> {
        let exporter_path = dir.join(EXPORTER_KEY_FILE);
        let age_path = dir.join(AGE_KEY_FILE);
        let missing = |path: &Path| {
            Error::key(
                path,
                "does not exist",
                "run `freeport keys init` to create your keys",
            )
        };
        let exporter = parse_exporter(
            &exporter_path,
            &read_private(&exporter_path)?.ok_or_else(|| missing(&exporter_path))?,
        )?;
        let identity = parse_age_identity(
            &age_path,
            &read_private(&age_path)?.ok_or_else(|| missing(&age_path))?,
        )?;
        let ring = Self {
            dir: dir.to_owned(),
            exporter,
            identity,
            created: Vec::new(),
        };
        ring.check_public_files(false)?;
        Ok(ring)
    }

    /// Public files are derived from the private ones: written when missing (if `create`), and
    /// refused when they disagree, since others copy them into trust files and `--seal-to`.
    fn check_public_files(&self, create: bool) -> Result<()> {
        for (name, expected) in [
            (EXPORTER_VKEY_FILE, self.exporter.public().to_vkey()),
            (AGE_PUB_FILE, self.recipient().to_string()),
        ] {
            let path = self.dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) if text.trim() == expected => {}
                Ok(_) => {
                    return Err(Error::key(
                        &path,
                        "does not match its private key",
                        "delete it and run `freeport keys init` to write it again",
                    ));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                    write_new(&path, &format!("{expected}\n"), 0o644)?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("read", &path, e)),
            }
        }
        Ok(())
    }

    /// The key ring directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The exporter signing key.
    #[must_use]
    pub fn exporter(&self) -> &ExporterKey {
        &self.exporter
    }

    /// The age identity.
    #[must_use]
    pub fn identity(&self) -> &age::x25519::Identity {
        &self.identity
    }

    /// The age recipient (public key) of the identity.
    #[must_use]
    pub fn recipient(&self) -> age::x25519::Recipient {
        self.identity.to_public()
    }

    /// The private key files this call created (empty when every key existed).
    #[must_use]
    pub fn created(&self) -> &[PathBuf] {
        &self.created
    }
}

/// Reads an age identity file (`AGE-SECRET-KEY-1...` lines; `#` comments and blank lines
/// skipped), refusing one that group or others can read.
///
/// # Errors
///
/// [`Error::Key`] when the file is missing, unsafe, or holds no X25519 identity.
pub fn load_identities(path: &Path) -> Result<Vec<age::x25519::Identity>> {
    let text = read_private(path)?.ok_or_else(|| {
        Error::key(
            path,
            "does not exist",
            "pass the age identity file whose public key (`age1...`) the package was sealed to",
        )
    })?;
    parse_identities(path, &text)
}

fn parse_identities(path: &Path, text: &str) -> Result<Vec<age::x25519::Identity>> {
    let mut identities = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let identity = line.parse::<age::x25519::Identity>().map_err(|reason| {
            Error::key(
                path,
                format!("line {}: not an age X25519 identity ({reason})", i + 1),
                "an identity line looks like `AGE-SECRET-KEY-1...`",
            )
        })?;
        identities.push(identity);
    }
    if identities.is_empty() {
        return Err(Error::key(
            path,
            "holds no age identity",
            "an identity line looks like `AGE-SECRET-KEY-1...`",
        ));
    }
    Ok(identities)
}

fn parse_age_identity(path: &Path, text: &str) -> Result<age::x25519::Identity> {
    let mut identities = parse_identities(path, text)?;
    if identities.len() != 1 {
        return Err(Error::key(
            path,
            format!("holds {} identities, expected 1", identities.len()),
            "a key ring's `age.key` holds exactly one identity",
        ));
    }
    identities
        .pop()
        .ok_or_else(|| Error::key(path, "holds no age identity", ""))
}

fn parse_exporter(path: &Path, text: &str) -> Result<ExporterKey> {
    ExporterKey::from_text(text.trim()).map_err(|e| {
        Error::key(
            path,
            e.to_string(),
            "an exporter key looks like `PRIVATE+KEY+<name>+<id>+<key>`",
        )
    })
}

/// Reads a private key file, or `None` if it does not exist; refuses group/other access.
fn read_private(path: &Path) -> Result<Option<String>> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::key(
            path,
            format!("private key is readable by group or others (mode {mode:04o})"),
            format!("run `chmod 600 {}`", path.display()),
        ));
    }
    std::fs::read_to_string(path)
        .map(Some)
        .map_err(|e| Error::io("read", path, e))
}

/// Writes `text` to a new file `path` with `mode`: temp file + fsync + no-clobber link
/// ([`freeport_util::AtomicFile::commit_new`]). Returns `false` (and writes nothing) if `path`
/// appeared meanwhile.
fn write_new(path: &Path, text: &str, mode: u32) -> Result<bool> {
    let mut temp = freeport_util::AtomicFile::create_with_mode(path, mode)
        .map_err(|e| Error::io("create", freeport_util::atomic::parent_dir(path), e))?;
    temp.write_all(text.as_bytes())
        .map_err(|e| Error::io("write", temp.path(), e))?;
    temp.commit_new()
        .map_err(|e| Error::io("create", path, e.error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exporter_keys_round_trip_and_match_tlog_formats() {
        let key = ExporterKey::from_seed("acme.example/exporter", [3; 32]).unwrap();
        let text = key.to_text();
        // The tlog parser reads the same text and derives the same public key.
        let note = freeport_tlog::note::SigningKey::from_text(&text).unwrap();
        assert_eq!(note.verifier().to_vkey(), key.public().to_vkey());
        let back = ExporterKey::from_text(&text).unwrap();
        assert_eq!(back.public(), key.public());
        assert_eq!(
            ExporterPublicKey::from_vkey(&key.public().to_vkey()).unwrap(),
            *key.public()
        );
        assert!(!format!("{key:?}").contains(&text));
        // A witness (cosignature) key is not an exporter key.
        let witness = freeport_tlog::note::SigningKey::from_seed(
            "w.example/v1",
            KeyKind::Cosignature,
            [4; 32],
        )
        .unwrap();
        assert!(ExporterKey::from_text(&witness.to_text()).is_err());
        assert!(ExporterPublicKey::from_vkey(&witness.verifier().to_vkey()).is_err());
    }

    #[test]
    fn signatures_verify_only_over_the_exact_bytes() {
        let key = ExporterKey::from_seed("acme.example/exporter", [3; 32]).unwrap();
        let sig = key.sign_manifest(b"{\"a\":1}");
        let parsed = ManifestSignature::parse(sig.as_bytes()).unwrap();
        assert_eq!(parsed.signer, key.public().to_vkey());
        assert!(key.public().verifies(b"{\"a\":1}", &parsed.signature));
        assert!(!key.public().verifies(b"{\"a\":2}", &parsed.signature));
        let other = ExporterKey::from_seed("acme.example/exporter", [4; 32]).unwrap();
        assert!(!other.public().verifies(b"{\"a\":1}", &parsed.signature));
        for (text, reason) in [
            ("x\ny\nz", "does not end with a newline"),
            ("a\nb\n", "has 2 lines, expected 3"),
            ("nope\nk\nAA==\n", "line 1 is not"),
            (
                "freeport-manifest-signature/v1\nk\nAA==\n",
                "line 3 has 1 bytes, expected 64",
            ),
            (
                "freeport-manifest-signature/v1\nk\n!!\n",
                "line 3 is not standard base64",
            ),
        ] {
            let err = ManifestSignature::parse(text.as_bytes()).unwrap_err();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
    }

    #[test]
    fn key_ring_is_created_once_private_and_reopened() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("keys");
        let ring = KeyRing::open_or_create(&dir).unwrap();
        assert_eq!(ring.created().len(), 2);
        for (name, mode) in [
            (EXPORTER_KEY_FILE, 0o600),
            (AGE_KEY_FILE, 0o600),
            (EXPORTER_VKEY_FILE, 0o644),
            (AGE_PUB_FILE, 0o644),
        ] {
            let meta = std::fs::metadata(dir.join(name)).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, mode, "{name}");
        }
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        let again = KeyRing::open_or_create(&dir).unwrap();
        assert!(again.created().is_empty());
        assert_eq!(again.exporter().public(), ring.exporter().public());
        assert_eq!(again.recipient().to_string(), ring.recipient().to_string());
        let opened = KeyRing::open(&dir).unwrap();
        assert_eq!(opened.exporter().public(), ring.exporter().public());
        assert_eq!(
            load_identities(&dir.join(AGE_KEY_FILE)).unwrap().len(),
            1,
            "the age.key file is a standard identity file"
        );
        // A public file that disagrees is refused; a private key readable by others too.
        std::fs::write(dir.join(AGE_PUB_FILE), "age1qqqq\n").unwrap();
        let err = KeyRing::open(&dir).unwrap_err().to_string();
        assert!(err.contains("does not match its private key"), "{err}");
        std::fs::remove_file(dir.join(AGE_PUB_FILE)).unwrap();
        std::fs::set_permissions(
            dir.join(EXPORTER_KEY_FILE),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
        let err = KeyRing::open(&dir).unwrap_err().to_string();
        assert!(
            err.contains("readable by group or others (mode 0640)"),
            "{err}"
        );
        let err = KeyRing::open(&home.path().join("none")).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    #[test]
    fn identity_files_name_the_bad_line() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("id");
        std::fs::write(&path, "# comment\n\nAGE-SECRET-KEY-1BAD\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let err = load_identities(&path).err().unwrap().to_string();
        assert!(err.contains("line 3: not an age X25519 identity"), "{err}");
        std::fs::write(&path, "# only a comment\n").unwrap();
        let err = load_identities(&path).err().unwrap().to_string();
        assert!(err.contains("holds no age identity"), "{err}");
    }
}
