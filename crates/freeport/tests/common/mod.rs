//! Helpers the integration tests share: the repository root, `freeport` run with a home, a
//! `freeport serve` process on a free loopback port.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};

use assert_cmd::Command;
use assert_cmd::cargo::CommandCargoExt as _;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `freeport ARGS` in the repository root with `FREEPORT_HOME=home`.
pub fn freeport(home: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_HOME", home)
        .env_remove("FREEPORT_PORT_URL")
        .args(args)
        .output()
        .unwrap()
}

/// A running `freeport serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Server {
    /// `freeport serve --listen 127.0.0.1:0 EXTRA…` for `home`; with `fault`, the process
    /// aborts at that `FREEPORT_FAULT` point (as a power cut would).
    pub fn start_with(home: &Path, extra: &[&str], fault: Option<&str>) -> Self {
        Self::start_at(home, "127.0.0.1:0", extra, fault)
    }

    /// `freeport serve --listen LISTEN EXTRA…` for `home` (an address fixed in advance, as a
    /// study names its aggregators'), with `fault` as in [`Server::start_with`].
    pub fn start_at(home: &Path, listen: &str, extra: &[&str], fault: Option<&str>) -> Self {
        let mut command = Process::cargo_bin("freeport").unwrap();
        if let Some(fault) = fault {
            command.env("FREEPORT_FAULT", fault);
        }
        let mut child = command
            .current_dir(root())
            .env("FREEPORT_HOME", home)
            .args(["serve", "--listen", listen])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap();
        let base = url.trim_end_matches("/api/v1").to_owned();
        Self { child, base }
    }

    /// Stops it with SIGTERM (a graceful shutdown) and waits.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Process::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
