//! Slack's rate limits, honoured as Slack asks: when a method answers
//! `429` with `Retry-After`, every caller of that method (per channel for
//! messages, which Slack limits per channel) waits that long, then tries
//! again. Nothing is dropped: a call gives up only after many refusals.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use slack_morphism::errors::{SlackClientError, SlackClientSystemError};
use tokio::time::Instant;

/// One Web API call (connection included) gets this long to answer.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// A `429` without `Retry-After` waits this long.
const DEFAULT_WAIT: Duration = Duration::from_secs(1);

/// Refusals one call tolerates before it reports failure (at Slack's
/// one-minute windows, well over half an hour of waiting).
const MAX_REFUSALS: u32 = 40;

/// `ok`, `ratelimited`, Slack's error code, or `failed` (no answer).
fn outcome_of<T>(answer: &Result<T, SlackClientError>) -> String {
    match answer {
        Ok(_) => "ok".to_owned(),
        Err(SlackClientError::RateLimitError(_)) => "ratelimited".to_owned(),
        Err(SlackClientError::ApiError(error)) => error.code.clone(),
        Err(_) => "failed".to_owned(),
    }
}

#[derive(Debug, Default)]
pub struct RateGates {
    closed_until: Mutex<HashMap<String, Instant>>,
}

impl RateGates {
    fn reopens_at(&self, key: &str) -> Option<Instant> {
        let gates = self.closed_until.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        gates.get(key).copied().filter(|at| *at > Instant::now())
    }

    fn close(&self, key: &str, for_how_long: Duration) {
        let until = Instant::now() + for_how_long;
        let mut gates = self.closed_until.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = gates.entry(key.to_owned()).or_insert(until);
        if *entry < until {
            *entry = until;
        }
    }

    /// Runs `call` when `key`'s gate is open, again after each `429`.
    pub async fn run<T, F, Fut>(&self, key: &str, call: F) -> Result<T, SlackClientError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, SlackClientError>>,
    {
        let mut refusals = 0;
        loop {
            while let Some(at) = self.reopens_at(key) {
                tokio::time::sleep_until(at).await;
            }
            let answer = tokio::time::timeout(CALL_TIMEOUT, call()).await.unwrap_or_else(|_| {
                Err(SlackClientError::SystemError(
                    SlackClientSystemError::new().with_message(format!("no answer within {CALL_TIMEOUT:?}")),
                ))
            });
            let method = key.split(' ').next().unwrap_or(key).to_owned();
            metrics::counter!("planbot_slack_calls_total", "method" => method.clone(), "outcome" => outcome_of(&answer))
                .increment(1);
            match answer {
                Err(SlackClientError::RateLimitError(limited)) if refusals < MAX_REFUSALS => {
                    refusals += 1;
                    let wait = limited.retry_after.unwrap_or(DEFAULT_WAIT);
                    metrics::counter!("planbot_rate_limit_waits_total", "service" => "slack", "method" => method)
                        .increment(1);
                    metrics::counter!("planbot_rate_limit_wait_seconds_total", "service" => "slack")
                        .increment(wait.as_secs());
                    tracing::debug!(method = key, wait_ms = wait.as_millis() as u64, refusals, "Slack asked to wait");
                    self.close(key, wait);
                }
                other => return other,
            }
        }
    }
}
