//! The bundled port demo end to end (`examples/port/demo`): the operator, two exporters, a CN
//! and a US reviewer and an auditor as separate processes with their own keys and tokens, the
//! port on loopback; every step's answer is checked by the script itself.

//!
//! It runs twice: with the port's store in SQLite (`freeport.db` in its home) and in a fresh
//! PostgreSQL database (`freeport init --database`; skipped with a message when
//! `FREEPORT_TEST_POSTGRES` is unset, failed when `FREEPORT_REQUIRE_POSTGRES=1`).

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::Path;
use std::process::Command;

use freeport_testdb::{TestDb, both};

both! {
    fn the_port_demo_runs_end_to_end(db) {
        run_demo(db);
    }
}

fn run_demo(db: &TestDb) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/port/demo");
    let mut command = Command::new("bash");
    command
        .arg(&demo)
        .env("FREEPORT", env!("CARGO_BIN_EXE_freeport"))
        .env_remove("FREEPORT_HOME")
        .env_remove("FREEPORT_TOKEN")
        .env_remove("FREEPORT_PORT_URL")
        .env_remove("DATABASE");
    if db.is_postgres() {
        command.env("DATABASE", db.target());
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status.code()
    );
    assert!(
        stdout.contains("port demo: every step gave the expected answer"),
        "{stdout}"
    );
    // The conditions and public reasons are shown to those who may see them.
    assert!(
        stdout.contains("CN condition: keep the PIPIA report"),
        "{stdout}"
    );
    assert!(
        stdout.contains("US public reason: The vendor's CISA"),
        "{stdout}"
    );
}
