//! The committer: drains the outbox into the plan's home, one write at a
//! time, surviving conflicts, outages and restarts (the outbox is the
//! state; a crash between claim and write only delays an edit until its
//! lease runs out).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tracing::Instrument;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Head, Notice, NoticeOutcome, Notifier, PlanWriter, Revision, WriteError, commit_message};
use planbot_domain::clock::Clock;
use planbot_domain::plan::{Outcome, Plan, snapshot};
use planbot_source::{LivePlan, PlanFiles};
use planbot_store::{QueuedEdit, Settlement, Store, StoreError};

/// How long a claimed edit is reserved for one worker.
const LEASE: Duration = Duration::from_secs(60);
const BATCH: u32 = 200;
const MAX_BACKOFF: Duration = Duration::from_secs(300);
const UNAUTHORIZED_PAUSE: Duration = Duration::from_secs(900);
/// Other instances may queue edits too: look at the outbox this often.
const IDLE_POLL: Duration = Duration::from_secs(5);

/// What one drain did, for logs and the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrainReport {
    pub committed: usize,
    pub conflicts: usize,
    pub failed: usize,
    pub retrying: usize,
    /// Where the last write went (a commit sha or a folder marker).
    pub last_commit: Option<String>,
}

pub struct Committer {
    store: Arc<dyn Store>,
    writer: Arc<dyn PlanWriter>,
    clock: Arc<dyn Clock>,
    live_plan: Option<Arc<LivePlan>>,
    window: Duration,
    wake: Arc<Notify>,
    notifier: Option<Arc<dyn Notifier>>,
    /// Set while credentials are refused, so the channel hears it once.
    refused_alerted: AtomicBool,
}

impl Committer {
    pub fn new(store: Arc<dyn Store>, writer: Arc<dyn PlanWriter>, clock: Arc<dyn Clock>) -> Committer {
        Committer {
            store,
            writer,
            clock,
            live_plan: None,
            window: Duration::ZERO,
            wake: Arc::new(Notify::new()),
            notifier: None,
            refused_alerted: AtomicBool::new(false),
        }
    }

    /// Reload this plan after each write, so answers show the change.
    pub fn with_live_plan(mut self, plan: Arc<LivePlan>) -> Committer {
        self.live_plan = Some(plan);
        self
    }

    /// Edits queued within `window` of each other go into one write.
    pub fn with_window(mut self, window: Duration) -> Committer {
        self.window = window;
        self
    }

    /// Tell authors and the ops channel how edits end.
    pub fn with_notifier(mut self, notifier: Arc<dyn Notifier>) -> Committer {
        self.notifier = Some(notifier);
        self
    }

    /// Notify this after queueing an edit to have it written promptly.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// Writes everything due now, batch after batch.
    pub async fn drain(&self) -> Result<DrainReport, StoreError> {
        let mut total = DrainReport::default();
        loop {
            let report = self.run_once().await?;
            let progressed = report.committed + report.conflicts + report.failed > 0;
            total.committed += report.committed;
            total.conflicts += report.conflicts;
            total.failed += report.failed;
            total.retrying = report.retrying;
            total.last_commit = report.last_commit.or(total.last_commit);
            if !progressed {
                return Ok(total);
            }
        }
    }

    /// Claims one batch of due edits and settles every one of them.
    pub async fn run_once(&self) -> Result<DrainReport, StoreError> {
        let now = self.clock.now();
        let claimed = self.store.claim_edits(now, LEASE, BATCH).await?;
        if claimed.is_empty() {
            return Ok(DrainReport::default());
        }
        // One grep for a Slack request id finds the round that wrote it.
        let request_ids: Vec<&str> = claimed.iter().filter_map(|edit| edit.request_id.as_deref()).collect();
        let span = tracing::info_span!("commit_round", edits = claimed.len(), request_ids = %request_ids.join(","));
        self.settle(claimed).instrument(span).await
    }

    async fn settle(&self, claimed: Vec<QueuedEdit>) -> Result<DrainReport, StoreError> {
        let (settlements, report, seen_at) = match self.writer.read_head().await {
            Ok(head) => {
                let seen_at = self.writer.describe_revision(&head.revision).await;
                let (settlements, report) = self.apply_and_write(&claimed, head).await;
                (settlements, report, seen_at)
            }
            Err(error) => {
                let (settlements, report) = retry_all(&claimed, &error);
                (settlements, report, Revision::default())
            }
        };
        self.store.settle_edits(&settlements, self.clock.now()).await?;
        count(&report);
        tracing::info!(
            committed = report.committed,
            conflicts = report.conflicts,
            failed = report.failed,
            retrying = report.retrying,
            "plan edits settled"
        );
        if report.committed > 0 {
            if let Some(plan) = &self.live_plan {
                // A failure here is logged by the reload itself.
                let _ = plan.refresh().await;
            }
        }
        self.tell(&claimed, &settlements, seen_at).await;
        Ok(report)
    }

    /// Notices for the authors, and one alert when credentials fail.
    async fn tell(&self, claimed: &[QueuedEdit], settlements: &[Settlement], seen_at: Revision) {
        let Some(notifier) = &self.notifier else { return };
        let edits: HashMap<i64, &QueuedEdit> = claimed.iter().map(|edit| (edit.id, edit)).collect();
        let mut notices = Vec::new();
        let mut refused = None;
        for settlement in settlements {
            let (id, outcome) = match settlement {
                Settlement::Committed { id, commit_ref, commit_url } => {
                    (id, NoticeOutcome::Written { commit_ref: commit_ref.clone(), url: commit_url.clone() })
                }
                Settlement::Conflict { id, current } => {
                    let (url, by) = (seen_at.url.clone(), seen_at.author.clone());
                    (id, NoticeOutcome::Conflict { current: current.clone(), url, by })
                }
                Settlement::Failed { id, reason } => (id, NoticeOutcome::Failed { reason: reason.clone() }),
                Settlement::Retry { error, .. } => {
                    refused = refused.or_else(|| error.starts_with("not authorised").then(|| error.clone()));
                    continue;
                }
            };
            if let Some(edit) = edits.get(id) {
                notices.push(Notice { edit: (*edit).clone(), outcome });
            }
        }
        if !notices.is_empty() {
            notifier.edits_settled(&notices).await;
            self.refused_alerted.store(false, Ordering::Relaxed);
        }
        if let Some(error) = refused {
            if !self.refused_alerted.swap(true, Ordering::Relaxed) {
                let message = format!(
                    "planbot cannot write the plan: {error}. Edits stay queued until the credentials are fixed."
                );
                notifier.alert(&message).await;
            }
        }
    }

    async fn apply_and_write(&self, claimed: &[QueuedEdit], head: Head) -> (Vec<Settlement>, DrainReport) {
        let plan = match head.files.parse() {
            Ok(plan) => plan,
            Err(error) => {
                let error =
                    WriteError::Transient(format!("the plan does not parse ({error}); edits wait until it is fixed"));
                return retry_all(claimed, &error);
            }
        };
        if let Some(damage) = plan.damage().first() {
            let reason = format!(
                "the plan file is damaged (line {}: {}); edits wait until it is whole again",
                damage.line, damage.message
            );
            return retry_all(claimed, &WriteError::Transient(reason));
        }
        let Applied { plan, changed, mut settlements, mut report } =
            apply_all(plan, claimed, &head, self.clock.today());
        if changed.is_empty() {
            return (settlements, report);
        }
        let (csv, markdown) = changed_files(&head.files, &plan);
        let message = commit_message(&changed);
        match self.writer.write(&head, csv, markdown.as_deref(), &message).await {
            Ok(written) => {
                report.committed += changed.len();
                report.last_commit = Some(written.commit_ref.clone());
                settlements.extend(changed.iter().map(|queued| Settlement::Committed {
                    id: queued.id,
                    commit_ref: written.commit_ref.clone(),
                    commit_url: written.url.clone(),
                }));
                (settlements, report)
            }
            // Every decision above was made against a plan that is gone.
            Err(error) => retry_all(claimed, &error),
        }
    }

    /// Runs until the process ends: waits for due edits (or a wake-up),
    /// lets the coalescing window pass, then drains.
    pub fn spawn(self) -> JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                let wait = match self.store.next_edit_due().await {
                    Ok(Some(due)) => (due - self.clock.now()).to_std().unwrap_or(Duration::ZERO),
                    Ok(None) => IDLE_POLL,
                    Err(error) => {
                        tracing::warn!(error = %error, "cannot read the edit outbox");
                        IDLE_POLL
                    }
                };
                if !wait.is_zero() {
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        () = self.wake.notified() => {}
                    }
                    continue;
                }
                tokio::time::sleep(self.window).await;
                if let Err(error) = self.drain().await {
                    tracing::warn!(error = %error, "could not settle plan edits");
                    tokio::time::sleep(IDLE_POLL).await;
                }
            }
        })
    }
}

/// The newest plan with every applicable edit applied, and how the others
/// ended (those are settled whatever the write does).
struct Applied<'a> {
    plan: Plan,
    changed: Vec<&'a QueuedEdit>,
    settlements: Vec<Settlement>,
    report: DrainReport,
}

fn apply_all<'a>(mut plan: Plan, claimed: &'a [QueuedEdit], head: &Head, today: chrono::NaiveDate) -> Applied<'a> {
    let mut changed = Vec::new();
    let mut settlements = Vec::new();
    let mut report = DrainReport::default();
    for queued in claimed {
        let settlement = match queued.edit.apply(&plan, today) {
            Ok((next, Outcome::Changed)) => {
                plan = next;
                changed.push(queued);
                continue;
            }
            Ok((_, Outcome::AlreadyDone)) => {
                report.committed += 1;
                Settlement::Committed { id: queued.id, commit_ref: head.revision.clone(), commit_url: None }
            }
            Ok((_, Outcome::Conflict { current })) => {
                report.conflicts += 1;
                Settlement::Conflict { id: queued.id, current }
            }
            Ok((_, Outcome::NoSuchTask)) => {
                report.failed += 1;
                Settlement::Failed { id: queued.id, reason: format!("{} is no longer in the plan", queued.edit.task) }
            }
            Err(error) => {
                report.failed += 1;
                Settlement::Failed { id: queued.id, reason: error.to_string() }
            }
        };
        settlements.push(settlement);
    }
    Applied { plan, changed, settlements, report }
}

/// Puts every claimed edit back for a later attempt, with a delay that
/// fits the fault.
fn retry_all(claimed: &[QueuedEdit], error: &WriteError) -> (Vec<Settlement>, DrainReport) {
    if let WriteError::Unauthorized(reason) = error {
        tracing::error!(reason = %reason, "the plan's home refused our credentials; edits stay queued");
    }
    let settlements = claimed
        .iter()
        .map(|queued| Settlement::Retry {
            id: queued.id,
            error: error.to_string(),
            delay: retry_delay(error, queued.attempts),
        })
        .collect();
    (settlements, DrainReport { retrying: claimed.len(), ..DrainReport::default() })
}

fn count(report: &DrainReport) {
    metrics::counter!("planbot_commits_total").increment(u64::from(report.committed > 0));
    metrics::counter!("planbot_edit_conflicts_total").increment(report.conflicts as u64);
    metrics::counter!("planbot_edit_failures_total").increment(report.failed as u64);
}

fn retry_delay(error: &WriteError, attempts: i32) -> Duration {
    let jitter = Duration::from_millis(u64::from(jitter_ms()));
    match error {
        // Someone else is writing too: retry soon, backing off if it
        // keeps happening (a busy branch), with jitter to break the tie.
        WriteError::Stale => {
            let exponent = u32::try_from(attempts.clamp(1, 10) - 1).unwrap_or(0);
            Duration::from_millis(50u64 << exponent) + jitter / 4
        }
        WriteError::RateLimited(wait) => {
            metrics::counter!("planbot_rate_limit_waits_total", "service" => "github", "method" => "write")
                .increment(1);
            metrics::counter!("planbot_rate_limit_wait_seconds_total", "service" => "github").increment(wait.as_secs());
            *wait + jitter / 4
        }
        WriteError::Unauthorized(_) => UNAUTHORIZED_PAUSE,
        WriteError::Transient(_) => {
            let exponent = u32::try_from(attempts.clamp(1, 16) - 1).unwrap_or(0);
            Duration::from_secs(1u64 << exponent).min(MAX_BACKOFF) + jitter
        }
    }
}

/// Up to a second of jitter from the clock's nanoseconds, so that several
/// instances retrying the same fault do not retry in step.
fn jitter_ms() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos() % 1000)
}

/// The files an applied batch changed, each `None` when it did not: a CSV
/// the team does not keep is never created, and the Markdown plan carries
/// its edited task sections and its regenerated PLAN snapshot.
fn changed_files<'p>(before: &PlanFiles, plan: &'p Plan) -> (Option<&'p str>, Option<String>) {
    let csv = before.csv.as_deref().filter(|old| *old != plan.csv_text()).map(|_| plan.csv_text());
    let markdown =
        plan.markdown_text().map(|edited| snapshot::with_plan_block(edited, plan).unwrap_or_else(|| edited.to_owned()));
    let markdown = markdown.filter(|new| before.markdown.as_deref() != Some(new.as_str()));
    (csv, markdown)
}
