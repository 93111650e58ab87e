//! `freeport report ID`: a recorded transfer's report rendered again from the store (the model
//! `freeport assess` kept with the transfer, checked against its SHA-256), as HTML or JSON —
//! byte for byte what the assessment delivered — or as PDF through headless Chromium.

use std::io::Write;
use std::path::{Path, PathBuf};

use freeport_cli::{ReportArgs, ReportFormat, ReportLang};
use freeport_report::{Lang, render_html, render_json};

use crate::output::Target;
use crate::{Error, ExitStatus};

/// The executables `--format pdf` looks for on `PATH`, in order, after `FREEPORT_CHROMIUM`.
const CHROMIUM: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

pub(crate) fn run(
    args: &ReportArgs,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let target = Target::of(&args.output, args.force)?;
    // Reading only: never creates or migrates a store; a fresh home has recorded nothing.
    let mut opened = super::store::for_reading(store)?;
    let recalled = freeport_port::reports::recall(opened.as_mut(), &args.id)?;
    let lang = match args.lang {
        ReportLang::En => Lang::En,
        ReportLang::Zh => Lang::Zh,
    };
    let (bytes, name) = match args.format {
        ReportFormat::Json => (render_json(&recalled.report)?.into_bytes(), "report.json"),
        ReportFormat::Html => (
            render_html(&recalled.report, lang)?.into_bytes(),
            "report.html",
        ),
        ReportFormat::Pdf => (
            print_pdf(&render_html(&recalled.report, lang)?)?,
            "report.pdf",
        ),
    };
    target.deliver(name, out, |path| {
        freeport_util::write_atomic(path, &bytes).map_err(|source| Error::File {
            path: path.display().to_string(),
            source,
        })
    })?;
    if let Target::File(path) | Target::Special(path) = &target {
        writeln!(
            out,
            "wrote {}: the report of transfer {}, generated on {}; SHA-256 as bound to the log {}{}",
            path.display(),
            args.id,
            recalled.generated_on,
            recalled.sha256,
            if recalled.logged {
                ""
            } else {
                " (its place in the log was not kept: the run stopped after the append)"
            }
        )?;
    }
    Ok(ExitStatus::Success)
}

/// The Chromium to print with: `FREEPORT_CHROMIUM`, else the first of [`CHROMIUM`] on `PATH`.
fn chromium() -> Result<PathBuf, Error> {
    if let Some(program) = std::env::var_os("FREEPORT_CHROMIUM").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(program));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    CHROMIUM
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| Error::NoChromium {
            tried: format!("FREEPORT_CHROMIUM, then {} on PATH", CHROMIUM.join(", ")),
        })
}

/// `html` printed to PDF by headless Chromium (A4, the page's print stylesheet, no header or
/// footer), in a throw-away profile.
fn print_pdf(html: &str) -> Result<Vec<u8>, Error> {
    let program = chromium()?;
    let dir = tempfile::tempdir()?;
    let page = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&page, html).map_err(|source| Error::File {
        path: page.display().to_string(),
        source,
    })?;
    let mut command = std::process::Command::new(&program);
    command
        .arg("--headless")
        .arg("--disable-gpu")
        .arg("--no-first-run")
        .arg("--no-pdf-header-footer")
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()));
    if running_as_root() {
        // Chromium refuses to start as root with its sandbox; the page is our own, without
        // script, read from a file.
        command.arg("--no-sandbox");
    }
    let ran = command
        .arg(format!("file://{}", page.display()))
        .stdin(std::process::Stdio::null())
        .output();
    let fail = |reason: String| Error::Pdf {
        program: program.display().to_string(),
        reason,
    };
    let ran = ran.map_err(|e| fail(e.to_string()))?;
    match std::fs::read(&pdf) {
        Ok(bytes) if ran.status.success() && bytes.starts_with(b"%PDF-") => Ok(bytes),
        _ => {
            let stderr = String::from_utf8_lossy(&ran.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
            Err(fail(format!(
                "{}; {}",
                ran.status,
                tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
            )))
        }
    }
}

/// Whether this process runs as root (the owner of `/proc/self`, on Linux).
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}
