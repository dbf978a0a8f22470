//! Writes the command log off the request path: a command is answered
//! first and recorded a moment later. Commands that act for someone get a
//! row each, written in batches; questions about the plan are counted per
//! minute, verb and outcome, because they come thousands a second under
//! load and a row each would cost more than the answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, DurationRound, Utc};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use super::{CommandRecord, Store, UsageCount};

const QUEUE_DEPTH: usize = 4096;
const BATCH: usize = 256;
/// Counts are written at most this often; the first count after a quiet
/// spell is written at once.
const USAGE_FLUSH_GAP: Duration = Duration::from_secs(1);

/// Which minute, question and outcome a count belongs to.
type UsageKey = (DateTime<Utc>, &'static str, &'static str);

#[derive(Default)]
struct Tally {
    answered: u64,
    latency_total: Duration,
    latency_max: Duration,
}

#[derive(Default)]
struct Usage {
    tallies: Mutex<HashMap<UsageKey, Tally>>,
    counted: Notify,
}

impl Usage {
    fn take(&self) -> Vec<UsageCount> {
        let taken = std::mem::take(&mut *self.tallies.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        taken
            .into_iter()
            .map(|((minute, verb, outcome), tally)| UsageCount {
                minute,
                verb: verb.to_owned(),
                outcome: outcome.to_owned(),
                answered: tally.answered,
                latency_total: tally.latency_total,
                latency_max: tally.latency_max,
            })
            .collect()
    }
}

/// The sending side; cheap to clone into every request.
#[derive(Clone)]
pub struct CommandLog {
    sender: mpsc::Sender<CommandRecord>,
    usage: Arc<Usage>,
}

impl CommandLog {
    /// Queues a record. A full queue drops it with a warning rather than
    /// slowing the answer down: the log is for insight, not for truth.
    pub fn record(&self, record: CommandRecord) {
        if let Err(err) = self.sender.try_send(record) {
            tracing::warn!(error = %err, "command log queue full; record dropped");
        }
    }

    /// Counts one answered question in the minute of `at`.
    pub fn count(&self, at: DateTime<Utc>, verb: &'static str, outcome: &'static str, latency: Duration) {
        let minute = at.duration_trunc(chrono::Duration::minutes(1)).unwrap_or(at);
        {
            let mut tallies = self.usage.tallies.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let tally = tallies.entry((minute, verb, outcome)).or_default();
            tally.answered += 1;
            tally.latency_total += latency;
            tally.latency_max = tally.latency_max.max(latency);
        }
        self.usage.counted.notify_one();
    }
}

/// Starts the writer. It ends when every `CommandLog` clone is dropped,
/// after writing what is queued and counted.
pub fn spawn_command_log(store: Arc<dyn Store>) -> (CommandLog, JoinHandle<()>) {
    let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
    let usage = Arc::new(Usage::default());
    let writer = tokio::spawn(write_log(store, receiver, Arc::clone(&usage)));
    (CommandLog { sender, usage }, writer)
}

async fn write_log(store: Arc<dyn Store>, mut receiver: mpsc::Receiver<CommandRecord>, usage: Arc<Usage>) {
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        tokio::select! {
            received = receiver.recv_many(&mut batch, BATCH) => {
                if received == 0 {
                    break;
                }
                if let Err(err) = store.record_commands(&batch).await {
                    tracing::warn!(error = %err, records = batch.len(), "could not write the command log");
                }
                batch.clear();
            }
            () = usage.counted.notified() => {
                write_usage(store.as_ref(), &usage).await;
                // Counts arriving meanwhile wait for the next write.
                tokio::time::sleep(USAGE_FLUSH_GAP).await;
            }
        }
    }
    write_usage(store.as_ref(), &usage).await;
}

async fn write_usage(store: &dyn Store, usage: &Usage) {
    let counts = usage.take();
    if counts.is_empty() {
        return;
    }
    if let Err(err) = store.add_usage(&counts).await {
        tracing::warn!(error = %err, minutes = counts.len(), "could not write the command counts");
    }
}
