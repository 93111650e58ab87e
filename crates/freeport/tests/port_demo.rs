//! The bundled port demo end to end (`examples/port/demo`): the operator, two exporters, a CN
//! and a US reviewer and an auditor as separate processes with their own keys and tokens, the
//! port on loopback; every step's answer is checked by the script itself.

use std::path::Path;
use std::process::Command;

#[test]
fn the_port_demo_runs_end_to_end() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/port/demo");
    let output = Command::new("bash")
        .arg(&demo)
        .env("FREEPORT", env!("CARGO_BIN_EXE_freeport"))
        .env_remove("FREEPORT_HOME")
        .env_remove("FREEPORT_TOKEN")
        .env_remove("FREEPORT_PORT_URL")
        .output()
        .unwrap();
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
