//! Staging directories beside an output, named for the process that made them, and the sweep that
//! removes those whose process is gone.
//!
//! Outputs appear only by rename of a finished directory, so a run killed mid-way leaves its
//! staging directory behind: a half-written payload, or — for `open` — data already decrypted.
//! Each name carries the process id (`.freeport-<kind>-<pid>-<random>`), and the next run of the
//! same kind in the same place removes those of processes that no longer exist.

use std::path::Path;

use tempfile::TempDir;

/// A new staging directory in `parent` for a run of `kind` (`assess`, `seal`, `open`).
///
/// # Errors
///
/// When the directory cannot be created.
pub fn create(parent: &Path, kind: &str) -> std::io::Result<TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("{}{}-", prefix(kind), std::process::id()))
        .tempdir_in(parent)
}

/// Removes the staging directories of `kind` in `parent` whose process is gone.
///
/// Only where a process's liveness can be read (`/proc`); elsewhere they stay, which is safe. A
/// live process with a reused pid keeps its (someone else's) directory too, until it ends.
/// Best effort: a directory that cannot be removed now is tried again by the next run.
pub fn sweep(parent: &Path, kind: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = prefix(kind);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let gone = !Path::new("/proc").join(pid.to_string()).exists();
        if gone && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn prefix(kind: &str) -> String {
    format!(".freeport-{kind}-")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pid of a process that has ended (its own child, reaped).
    fn ended_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_sweep_removes_only_dead_runs_of_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let dead = ended_pid();
        let make = |name: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir(&path).unwrap();
            std::fs::write(path.join("payload"), b"x").unwrap();
            path
        };
        let stale = make(&format!(".freeport-open-{dead}-abc"));
        let other_kind = make(&format!(".freeport-assess-{dead}-abc"));
        let unnamed = make(".freeport-open-abc");
        let live = create(dir.path(), "open").unwrap();
        sweep(dir.path(), "open");
        assert!(!stale.exists());
        assert!(other_kind.exists() && unnamed.exists() && live.path().exists());
    }

    #[test]
    fn a_staging_directory_names_its_process() {
        let dir = tempfile::tempdir().unwrap();
        let made = create(dir.path(), "seal").unwrap();
        let name = made
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            name.starts_with(&format!(".freeport-seal-{}-", std::process::id())),
            "{name}"
        );
    }
}
