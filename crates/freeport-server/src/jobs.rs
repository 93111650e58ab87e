//! Long work as jobs (issue 13 item 3): a request that starts one is answered `202 Accepted`
//! with `Location: /api/v1/jobs/{id}`, and the caller polls that until the job has succeeded or
//! failed. Today one kind of work is a job: filing an uploaded `freeport assess` result, which
//! verifies the exporter's receipt and report before judging.
//!
//! The table is the server's memory, bounded: a job's *outcome* is durable (a filing in the
//! store; uploading the same assessment again answers with the filing it made), its *status*
//! is not — after a restart its id is unknown, and the client uploads again. A job is visible
//! to the account that started it and, for an exporter, to its organisation's other accounts;
//! to anyone else it does not exist (`404`, as filings outside a tenancy).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use freeport_port::Principal;
use freeport_store::docket::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::Problem;

/// The most jobs running at once; more are refused with `429` until one ends.
pub const MAX_RUNNING: usize = 16;

/// The most finished jobs remembered; the oldest is forgotten first.
pub const MAX_FINISHED: usize = 10_000;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Still working: poll again (the answer's `Retry-After` says when).
    Running,
    /// Done: `filing` names what it made.
    Succeeded,
    /// Refused or failed: `problem` says why, as the synchronous call would have.
    Failed,
}

/// A job as its owner sees it (`GET /api/v1/jobs/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobView {
    /// Its id.
    pub id: String,
    /// What it does: `assessment_filing`.
    pub kind: String,
    /// Where it stands.
    pub state: JobState,
    /// When it was accepted (RFC 3339 UTC).
    pub started_at: String,
    /// Succeeded: the filing's id (`/api/v1/filings/{filing}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing: Option<String>,
    /// Succeeded: `false` when the upload had been filed before and `filing` is that filing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    /// Failed: the problem, with the status and code the synchronous call would have answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

struct Job {
    account: String,
    organisation: Option<String>,
    view: JobView,
}

#[derive(Default)]
struct Table {
    jobs: BTreeMap<String, Job>,
    finished: VecDeque<String>,
    running: usize,
}

/// The server's jobs.
#[derive(Default)]
pub struct Jobs {
    table: Mutex<Table>,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs").finish_non_exhaustive()
    }
}

/// [`Jobs::start`] refused: [`MAX_RUNNING`] jobs are running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl Jobs {
    /// Registers a running job of `kind` for `who`; its view.
    ///
    /// # Errors
    ///
    /// [`Busy`] when [`MAX_RUNNING`] jobs are running.
    pub fn start(&self, who: &Principal, kind: &str, started_at: String) -> Result<JobView, Busy> {
        let mut table = self.lock();
        if table.running >= MAX_RUNNING {
            return Err(Busy);
        }
        let view = JobView {
            id: new_id(),
            kind: kind.to_owned(),
            state: JobState::Running,
            started_at,
            filing: None,
            created: None,
            problem: None,
        };
        table.running += 1;
        table.jobs.insert(
            view.id.clone(),
            Job {
                account: who.account.clone(),
                organisation: who.organisation.clone(),
                view: view.clone(),
            },
        );
        Ok(view)
    }

    /// Ends job `id` with `outcome`: the filing made (and whether it is new), or the problem.
    pub fn finish(&self, id: &str, outcome: Result<(String, bool), Problem>) {
        let mut table = self.lock();
        let Some(job) = table.jobs.get_mut(id) else {
            return;
        };
        if job.view.state != JobState::Running {
            return;
        }
        match outcome {
            Ok((filing, created)) => {
                job.view.state = JobState::Succeeded;
                job.view.filing = Some(filing);
                job.view.created = Some(created);
            }
            Err(problem) => {
                job.view.state = JobState::Failed;
                job.view.problem = Some(problem);
            }
        }
        table.running = table.running.saturating_sub(1);
        table.finished.push_back(id.to_owned());
        while table.finished.len() > MAX_FINISHED {
            if let Some(oldest) = table.finished.pop_front() {
                table.jobs.remove(&oldest);
            }
        }
    }

    /// Job `id` if `who` may see it.
    #[must_use]
    pub fn get(&self, who: &Principal, id: &str) -> Option<JobView> {
        let table = self.lock();
        let job = table.jobs.get(id)?;
        let visible = job.account == who.account
            || (who.role == Role::Exporter
                && who.organisation.is_some()
                && who.organisation == job.organisation);
        visible.then(|| job.view.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        // A panic while holding the lock cannot leave the table half-changed in a way that
        // matters (each change is a few assignments), so a poisoned lock is used as it is.
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A fresh job id: 16 random bytes as hex (unguessable, so a job's existence does not leak
/// through ids either).
fn new_id() -> String {
    let mut bytes = [0_u8; 16];
    // The operating system's random source; should it fail, the time keeps ids distinct.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = nanos.to_le_bytes();
    }
    freeport_util::fmt::hex(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(account: &str, role: Role, organisation: Option<&str>) -> Principal {
        Principal {
            account: account.to_owned(),
            role,
            organisation: organisation.map(str::to_owned),
        }
    }

    #[test]
    fn a_job_is_seen_by_its_owner_and_organisation_only() {
        let jobs = Jobs::default();
        let alice = who("alice", Role::Exporter, Some("acme"));
        let job = jobs.start(&alice, "assessment_filing", "t".into()).unwrap();
        assert_eq!(job.state, JobState::Running);
        assert_eq!(job.id.len(), 32);
        let bob = who("bob", Role::Exporter, Some("acme"));
        let eve = who("eve", Role::Exporter, Some("globex"));
        let auditor = who("audit", Role::Auditor, None);
        assert!(jobs.get(&alice, &job.id).is_some());
        assert!(jobs.get(&bob, &job.id).is_some());
        assert!(jobs.get(&eve, &job.id).is_none());
        assert!(jobs.get(&auditor, &job.id).is_none());
        jobs.finish(&job.id, Ok(("F-2026-000001".into(), true)));
        let done = jobs.get(&alice, &job.id).unwrap();
        assert_eq!(done.state, JobState::Succeeded);
        assert_eq!(done.filing.as_deref(), Some("F-2026-000001"));
        // A second finish changes nothing.
        jobs.finish(
            &job.id,
            Err(Problem::new(
                axum::http::StatusCode::CONFLICT,
                "x",
                "y".into(),
            )),
        );
        assert_eq!(
            jobs.get(&alice, &job.id).unwrap().state,
            JobState::Succeeded
        );
    }

    #[test]
    fn running_jobs_are_bounded_and_finished_ones_forgotten_oldest_first() {
        let jobs = Jobs::default();
        let alice = who("alice", Role::Exporter, Some("acme"));
        let started: Vec<JobView> = (0..MAX_RUNNING)
            .map(|_| jobs.start(&alice, "assessment_filing", "t".into()).unwrap())
            .collect();
        assert_eq!(
            jobs.start(&alice, "assessment_filing", "t".into()),
            Err(Busy)
        );
        jobs.finish(&started[0].id, Ok(("F-1".into(), true)));
        let one_more = jobs.start(&alice, "assessment_filing", "t".into()).unwrap();
        for job in started.iter().skip(1).chain([&one_more]) {
            jobs.finish(&job.id, Ok(("F-1".into(), true)));
        }
        let mut last = String::new();
        for n in 0..MAX_FINISHED {
            let job = jobs.start(&alice, "assessment_filing", "t".into()).unwrap();
            jobs.finish(&job.id, Ok((format!("F-{n}"), true)));
            last = job.id;
        }
        assert!(
            jobs.get(&alice, &started[0].id).is_none(),
            "the oldest is forgotten"
        );
        assert!(jobs.get(&alice, &last).is_some());
        assert_eq!(jobs.lock().jobs.len(), MAX_FINISHED);
    }
}
