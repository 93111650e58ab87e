//! Embeds the chips rule pack (`rules/chips` at the repository root) into the crate as a sorted
//! list of (relative path, text), so the binary needs no files at runtime.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::{env, fs, io};

fn main() -> io::Result<()> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let root = manifest.join("../../rules/chips");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    for entry in fs::read_dir(&root)? {
        let path = entry?.path();
        let wanted = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("cedar" | "cedarschema" | "toml")
        );
        if wanted && path.is_file() {
            println!("cargo::rerun-if-changed={}", path.display());
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((name, path.canonicalize()?));
        }
    }
    files.sort();
    let mut code = String::from(
        "/// Files of the chips pack, sorted by relative path.\npub(crate) static CHIPS: &[(&str, &str)] = &[\n",
    );
    for (relative, absolute) in files {
        let _ = writeln!(
            code,
            "    ({relative:?}, include_str!({:?})),",
            absolute.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").map_err(io::Error::other)?);
    fs::write(out.join("embedded_chips_pack.rs"), code)
}
