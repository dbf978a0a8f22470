//! Writes the command log off the request path: a command is answered
//! first and recorded a moment later, in batches.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{CommandRecord, Store};

const QUEUE_DEPTH: usize = 4096;
const BATCH: usize = 256;

/// The sending side; cheap to clone into every request.
#[derive(Clone)]
pub struct CommandLog {
    sender: mpsc::Sender<CommandRecord>,
}

impl CommandLog {
    /// Queues a record. A full queue drops it with a warning rather than
    /// slowing the answer down: the log is for insight, not for truth.
    pub fn record(&self, record: CommandRecord) {
        if let Err(err) = self.sender.try_send(record) {
            tracing::warn!(error = %err, "command log queue full; record dropped");
        }
    }
}

/// Starts the writer. It ends when every `CommandLog` clone is dropped,
/// after writing what is queued.
pub fn spawn_command_log(store: Arc<dyn Store>) -> (CommandLog, JoinHandle<()>) {
    let (sender, mut receiver) = mpsc::channel(QUEUE_DEPTH);
    let writer = tokio::spawn(async move {
        let mut batch = Vec::with_capacity(BATCH);
        while receiver.recv_many(&mut batch, BATCH).await > 0 {
            if let Err(err) = store.record_commands(&batch).await {
                tracing::warn!(error = %err, records = batch.len(), "could not write the command log");
            }
            batch.clear();
        }
    });
    (CommandLog { sender }, writer)
}
