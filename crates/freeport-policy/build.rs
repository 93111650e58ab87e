//! Embeds the rule packs under `rules/cn` and `rules/us` at the repository root into the crate,
//! as a sorted list of (relative path, text) per pack, so the binary needs no files at runtime.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn main() -> io::Result<()> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let rules = manifest.join("../../rules");
    println!("cargo::rerun-if-changed={}", rules.display());
    let mut code = String::new();
    for pack in ["cn", "us"] {
        let root = rules.join(pack);
        let mut files = Vec::new();
        collect(&root, &root, &mut files)?;
        files.sort();
        let _ = writeln!(
            code,
            "/// Files of the `{pack}` pack, sorted by relative path.\npub(crate) static {}: &[(&str, &str)] = &[",
            pack.to_uppercase()
        );
        for (relative, absolute) in files {
            println!("cargo::rerun-if-changed={}", absolute.display());
            let _ = writeln!(
                code,
                "    ({relative:?}, include_str!({:?})),",
                absolute.display().to_string()
            );
        }
        code.push_str("];\n");
    }
    let out = PathBuf::from(env::var("OUT_DIR").map_err(io::Error::other)?);
    fs::write(out.join("embedded_packs.rs"), code)
}

/// Every pack file under `dir` (`.cedar`, `.cedarschema`, `.toml`), as (relative path with `/`,
/// absolute path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        println!("cargo::rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, files)?;
        } else if is_pack_file(&path) {
            let relative = path
                .strip_prefix(root)
                .map_err(io::Error::other)?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path.canonicalize()?));
        }
    }
    Ok(())
}

fn is_pack_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("cedar" | "cedarschema" | "toml")
    )
}
