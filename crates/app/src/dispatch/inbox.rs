//! Works off the inbox. A delivery is kept before Slack is told it
//! arrived; the worker then handles it, again after a failure (backing
//! off), and at the next start when the process died before finishing it.
//! On a graceful stop the delivery in hand finishes and the rest wait.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;
use tracing::Instrument;

use super::App;
use planbot_store::{Delivery, StoreError};

/// How long a claimed delivery is reserved for one worker.
const LEASE: Duration = Duration::from_secs(120);
const BATCH: u32 = 8;
/// Attempts before a delivery is given up (and logged as failed).
const MAX_ATTEMPTS: u32 = 6;
/// Other instances keep deliveries too; look at the inbox this often.
const POLL_EVERY: Duration = Duration::from_secs(5);
/// Finished deliveries are kept this long to recognise redeliveries.
const KEEP_FOR: chrono::Duration = chrono::Duration::days(2);
/// How long deliveries in hand get to finish on shutdown.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// What arrived, as the inbox keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// An Events API event.
    Event,
    /// A click whose work runs after the acknowledgement.
    Click,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Click => "click",
        }
    }

    fn parse(name: &str) -> Option<Kind> {
        [Kind::Event, Kind::Click].into_iter().find(|kind| kind.name() == name)
    }
}

/// Why handling a delivery did not finish.
#[derive(Debug, thiserror::Error)]
pub(super) enum WorkError {
    /// It can never be handled (it does not parse): no retry.
    #[error("malformed delivery: {0}")]
    Malformed(String),
    /// Worth another attempt later.
    #[error("{0}")]
    Failed(String),
}

/// The running worker; `stop` lets the delivery in hand finish.
pub struct InboxWorker {
    stopping: Arc<AtomicBool>,
    app: Arc<App>,
    task: JoinHandle<()>,
}

impl InboxWorker {
    pub async fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.app.inbox_wake.notify_one();
        if tokio::time::timeout(STOP_TIMEOUT, self.task).await.is_err() {
            tracing::warn!("inbox work still in flight at exit; it is finished after the next start");
        }
    }
}

impl App {
    /// Keeps a delivery and wakes the worker; `false` for a redelivery.
    pub(super) async fn keep(&self, key: &str, kind: Kind, payload: &Value) -> Result<bool, StoreError> {
        let kept = self.store.inbox().accept_delivery(key, kind.name(), &payload.to_string(), self.clock.now()).await?;
        if kept.is_some() {
            self.inbox_wake.notify_one();
        }
        Ok(kept.is_some())
    }

    /// Starts working off the inbox, beginning with what a previous run
    /// left unfinished.
    pub fn spawn_inbox(self: &Arc<Self>) -> InboxWorker {
        let stopping = Arc::new(AtomicBool::new(false));
        let app = Arc::clone(self);
        let stop = Arc::clone(&stopping);
        let task = tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                match app.work_inbox(&stop).await {
                    Ok(worked) if worked > 0 => continue,
                    Ok(_) => {}
                    Err(error) => tracing::warn!(error = %error, "could not read the inbox"),
                }
                app.prune_inbox().await;
                let _ = tokio::time::timeout(POLL_EVERY, app.inbox_wake.notified()).await;
            }
        });
        InboxWorker { stopping, app: Arc::clone(self), task }
    }

    /// One round: claims the due deliveries and handles them in order.
    pub async fn work_inbox(&self, stop: &AtomicBool) -> Result<usize, StoreError> {
        let claimed = self.store.inbox().claim_deliveries(self.clock.now(), LEASE, BATCH).await?;
        let mut worked = 0;
        for (index, delivery) in claimed.iter().enumerate() {
            if stop.load(Ordering::SeqCst) {
                let rest: Vec<i64> = claimed[index..].iter().map(|d| d.id).collect();
                self.store.inbox().release_deliveries(&rest).await?;
                break;
            }
            self.work_one(delivery).await?;
            worked += 1;
        }
        Ok(worked)
    }

    async fn work_one(&self, delivery: &Delivery) -> Result<(), StoreError> {
        let span = tracing::info_span!(
            "delivery",
            request_id = %delivery.key,
            kind = %delivery.kind,
            attempt = delivery.attempts
        );
        let outcome = self.handle(delivery).instrument(span).await;
        let counted = match &outcome {
            Ok(()) => "done",
            Err(WorkError::Failed(_)) if delivery.attempts < MAX_ATTEMPTS => "retried",
            Err(_) => "failed",
        };
        metrics::counter!("planbot_inbox_deliveries_total", "kind" => delivery.kind.clone(), "outcome" => counted)
            .increment(1);
        let inbox = self.store.inbox();
        match outcome {
            Ok(()) => inbox.finish_delivery(delivery.id, self.clock.now()).await,
            Err(WorkError::Malformed(reason)) => {
                tracing::warn!(reason, "a kept delivery cannot be handled; dropped");
                inbox.retry_delivery(delivery.id, &reason, self.clock.now(), true).await
            }
            Err(WorkError::Failed(reason)) => {
                let give_up = delivery.attempts >= MAX_ATTEMPTS;
                if give_up {
                    tracing::error!(reason, attempts = delivery.attempts, "a delivery failed for good");
                } else {
                    tracing::warn!(reason, attempts = delivery.attempts, "a delivery failed; trying again");
                }
                let at = self.clock.now() + backoff(delivery.attempts);
                inbox.retry_delivery(delivery.id, &reason, at, give_up).await
            }
        }
    }

    async fn handle(&self, delivery: &Delivery) -> Result<(), WorkError> {
        let payload: Value =
            serde_json::from_str(&delivery.payload).map_err(|error| WorkError::Malformed(error.to_string()))?;
        match Kind::parse(&delivery.kind) {
            Some(Kind::Event) => self.work_event(&payload).await,
            Some(Kind::Click) => self.work_click(&payload).await,
            None => Err(WorkError::Malformed(format!("unknown kind {:?}", delivery.kind))),
        }
    }

    async fn prune_inbox(&self) {
        if let Err(error) = self.store.inbox().prune_deliveries(self.clock.now() - KEEP_FOR).await {
            tracing::debug!(error = %error, "could not prune the inbox");
        }
    }
}

/// 2 s, 8 s, 32 s, … capped at 10 minutes.
fn backoff(attempts: u32) -> chrono::Duration {
    let seconds = 2i64.saturating_mul(4i64.saturating_pow(attempts.saturating_sub(1)));
    chrono::Duration::seconds(seconds.min(600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop_growing() {
        let waits: Vec<i64> = (1..=7).map(|attempt| backoff(attempt).num_seconds()).collect();
        assert_eq!(waits, vec![2, 8, 32, 128, 512, 600, 600]);
    }
}
