//! Scheduled sends, each exactly once: a job is claimed in the store's
//! `scheduled_jobs` ledger (one row per kind, day and person), run, and
//! recorded as done, or given back to be tried again later. The standup
//! and the Monday digest both run their sends through here.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};

use planbot_domain::clock::Clock;
use planbot_store::{JobKey, JobKind, Store, StoreError};
use tracing::Instrument;

/// How long a claimed job is held before another instance may take it
/// over (longer than any send, rate-limit waits included).
pub const JOB_LEASE: Duration = Duration::from_secs(15 * 60);
/// When a failed send is tried again.
pub const RETRY_AFTER: chrono::Duration = chrono::Duration::minutes(1);

/// How a job's work ended.
pub enum Outcome {
    /// A message went out (`detail` says which).
    Sent(String),
    /// Nothing needed sending (the person had answered, say).
    Skipped(&'static str),
    /// Not yet: try again at this time.
    Later(DateTime<Utc>),
}

/// Claims `key`, runs `work`, and records how it ended. `Ok(true)` when
/// this call sent the job's message; `Ok(false)` when it was done already,
/// someone else holds it, or nothing needed sending.
pub async fn run_once<E, F, Fut>(store: &dyn Store, clock: &dyn Clock, key: JobKey, work: F) -> Result<bool, E>
where
    E: From<StoreError> + std::fmt::Display,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Outcome, E>>,
{
    let jobs = store.standups();
    if !jobs.claim_job(&key, clock.now(), JOB_LEASE).await? {
        return Ok(false);
    }
    let span = tracing::info_span!(
        "job",
        kind = key.kind.as_str(),
        day = %key.day,
        person = key.person.as_ref().map(|p| p.as_str()).unwrap_or(""),
        subject = key.subject.as_deref().unwrap_or("")
    );
    let outcome = work().instrument(span).await;
    let counted = match &outcome {
        Ok(Outcome::Sent(_)) => "sent",
        Ok(Outcome::Skipped(_)) => "skipped",
        Ok(Outcome::Later(_)) => "later",
        Err(_) => "retried",
    };
    metrics::counter!("planbot_jobs_total", "kind" => key.kind.as_str(), "outcome" => counted).increment(1);
    match outcome {
        Ok(Outcome::Sent(detail)) => {
            jobs.finish_job(&key, clock.now(), Some(&detail)).await?;
            Ok(true)
        }
        Ok(Outcome::Skipped(why)) => {
            jobs.finish_job(&key, clock.now(), Some(why)).await?;
            Ok(false)
        }
        Ok(Outcome::Later(at)) => {
            jobs.retry_job(&key, at, "not due yet").await?;
            Ok(false)
        }
        Err(error) => {
            tracing::warn!(job = key.kind.as_str(), error = %error, "a scheduled send failed; it is tried again");
            jobs.retry_job(&key, clock.now() + RETRY_AFTER, &error.to_string()).await?;
            Err(error)
        }
    }
}

/// How late a scheduled send went out against its due time (a restart, a
/// clock jump, Slack's rate limits): what the lateness alert watches.
pub fn record_lateness(kind: JobKind, due: DateTime<Utc>, now: DateTime<Utc>) {
    let late = (now - due).num_milliseconds().max(0) as f64 / 1000.0;
    metrics::histogram!("planbot_job_lateness_seconds", "kind" => kind.as_str()).record(late);
}
