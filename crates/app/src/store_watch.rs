//! Watches that planbot's own database can still be written. A SQLite
//! file deleted or made read-only under a running service keeps "working"
//! for the connections already open while everything written is lost at
//! the next start: the ops channel hears of it once, and `/api/health`
//! reports it until it is fixed.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::writeback::Notifier;
use planbot_store::Store;

/// How often the database is checked.
pub const CHECK_EVERY: Duration = Duration::from_secs(30);

/// One check: `Some(problem)` the first time a problem is seen (each
/// distinct problem is reported once), `None` otherwise.
pub async fn check(store: &dyn Store, reported: &mut Option<String>) -> Option<String> {
    match store.check_writable().await {
        Ok(()) => {
            if reported.take().is_some() {
                tracing::info!("planbot's database can be written again");
            }
            None
        }
        Err(error) => {
            let problem = error.to_string();
            if reported.as_deref() == Some(problem.as_str()) {
                return None;
            }
            tracing::error!(error = %problem, "planbot's database cannot be written");
            *reported = Some(problem.clone());
            Some(problem)
        }
    }
}

/// Checks every [`CHECK_EVERY`] and alerts through `notifier`.
pub fn spawn(store: Arc<dyn Store>, notifier: Option<Arc<dyn Notifier>>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut reported = None;
        loop {
            tokio::time::sleep(CHECK_EVERY).await;
            let Some(problem) = check(store.as_ref(), &mut reported).await else { continue };
            if let Some(notifier) = &notifier {
                notifier.alert(&format!("planbot cannot save its state: {problem}")).await;
            }
        }
    })
}
