//! Fault injection for crash tests, compiled in only with the `fault-injection` cargo feature
//! (the `freeport` crate's tests enable it through a dev-dependency; `cargo build` leaves it
//! out). With the feature, [`FAULT_ENV`] names a point at which the process stops as a power
//! cut would stop it; without it, no environment variable is read and nothing can abort.

/// Environment variable naming a point at which to abort the process as a power cut would (no
/// unwinding, no cleanup), for crash tests: one of [`FAULT_POINTS`], a port's
/// `*_RECORDED` point ([`crate::port::FILING_RECORDED`] and its kin); or `fail-outputs` to fail
/// as a disk would while the outputs move into place, `full-witness-disk` to fail as a full
/// disk would under the witnesses' state (after the log append). Read only with the
/// `fault-injection` feature.
pub const FAULT_ENV: &str = "FREEPORT_FAULT";

/// Every state change of a recording assessment, in order, each a point [`FAULT_ENV`] can stop
/// the process at: the store transaction committed (`after-record`), the log entry appended
/// (`after-append`), each local witness's state written (`after-witness-cn`,
/// `after-witness-us`), the cosigned checkpoint published (`after-checkpoint`), the store told
/// the entry's index (`after-mark`), the outputs moved into place (`after-outputs`).
pub const FAULT_POINTS: [&str; 7] = [
    "after-record",
    "after-append",
    "after-witness-cn",
    "after-witness-us",
    "after-checkpoint",
    "after-mark",
    "after-outputs",
];

/// Aborts the process, as a power cut would (no unwinding, no cleanup), if a crash test asked
/// to stop at `point`.
pub(crate) fn abort_at(point: &str) {
    if requested(point) {
        std::process::abort();
    }
}

/// Whether a crash test asked for the fault `point` ([`FAULT_ENV`]).
#[cfg(feature = "fault-injection")]
pub(crate) fn requested(point: &str) -> bool {
    std::env::var(FAULT_ENV).is_ok_and(|v| v == point)
}

/// Whether a crash test asked for the fault `point`: never, without the `fault-injection`
/// feature.
#[cfg(not(feature = "fault-injection"))]
pub(crate) const fn requested(_point: &str) -> bool {
    false
}
