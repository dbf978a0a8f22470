//! The HTTP edge: routes, shared state, and the one mapping from errors
//! to responses.

mod error;
mod github_webhook;
mod health;
mod slack_commands;
mod slack_events;
mod slack_interactions;
mod snapshot;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

pub use error::AppError;
pub use github_webhook::GitHubWebhook;

use crate::clock::Clock;
use tokio::sync::Notify;

use crate::slack::web::SlackWeb;
use crate::slack::{SigningSecret, SlackUserId};
use crate::source::LivePlan;
use crate::store::{CommandLog, Store};

/// Slack's own payloads are a few KiB; anything far larger is not Slack.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Everything a request may need, shared by all of them.
pub struct AppState {
    pub plan: Arc<LivePlan>,
    pub store: Arc<dyn Store>,
    pub signing_secret: SigningSecret,
    pub command_log: CommandLog,
    pub clock: Arc<dyn Clock>,
    /// Slack users who may change any task.
    pub editors: Vec<SlackUserId>,
    /// Set when the plan's home can be written: woken after each edit.
    pub committer: Option<Arc<Notify>>,
    /// Set when the plan lives on GitHub and a webhook secret is configured.
    pub github_webhook: Option<GitHubWebhook>,
    /// The Slack Web API (modals, messages), when a bot token is set.
    pub slack_web: Option<SlackWeb>,
    /// Posts follow-ups to Slack's `response_url`s.
    pub responder: reqwest::Client,
    /// Daily standups (commands, answers, the scheduler's service).
    pub standups: Option<Arc<crate::standup::Standups>>,
    /// The weekly digest (`/plan digest`).
    pub digests: Option<Arc<crate::digest::Digests>>,
    /// The App Home tab, published when someone opens it.
    pub home: Option<Arc<crate::home::Home>>,
    /// Task ids in conversation get their cards in the thread.
    pub task_previews: bool,
}

impl AppState {
    /// A read-only app: no editors, no write-back, no Slack or GitHub
    /// integrations until their fields are set.
    pub fn new(
        plan: Arc<LivePlan>,
        store: Arc<dyn Store>,
        signing_secret: SigningSecret,
        command_log: CommandLog,
        clock: Arc<dyn Clock>,
    ) -> AppState {
        AppState {
            plan,
            store,
            signing_secret,
            command_log,
            clock,
            editors: Vec::new(),
            committer: None,
            github_webhook: None,
            slack_web: None,
            responder: reqwest::Client::new(),
            standups: None,
            digests: None,
            home: None,
            task_previews: false,
        }
    }
}

/// The whole HTTP surface; `serve` and the tests both use it.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/slack/commands", post(slack_commands::handle))
        .route("/slack/interactions", post(slack_interactions::handle))
        .route("/slack/events", post(slack_events::handle))
        .route("/github/webhook", post(github_webhook::handle))
        .route("/alive", get(health::alive))
        .route("/api/health", get(health::health))
        .route("/", get(health::heartbeat))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
