//! The HTTP transport: Slack's signed requests and GitHub's webhook in,
//! the application's acknowledgements out, and the one mapping from
//! errors to responses. Everything after "a payload arrived" is the
//! application's (`planbot_app::dispatch`), shared with Socket Mode.

mod ack;
mod error;
mod github_webhook;
mod health;
mod metrics;
mod slack_commands;
mod slack_events;
mod slack_interactions;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::AppError;
pub use github_webhook::GitHubWebhook;
pub use metrics::MetricsEndpoint;

use crate::socket::SocketStatus;
use planbot_app::dispatch::App;
use planbot_slack::{SignatureError, SigningSecret};

/// Slack's own payloads are a few KiB; anything far larger is not Slack.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Within Slack's 3 s, leaving room for the network.
const SLACK_TIME_LIMIT: Duration = Duration::from_millis(2800);
/// GitHub waits 10 s for a webhook's answer.
const GITHUB_TIME_LIMIT: Duration = Duration::from_secs(9);

/// What the routes share: the application, and how to authenticate what
/// reaches it over HTTP.
pub struct AppState {
    pub app: Arc<App>,
    /// Slack's routes are served only with it (Socket Mode needs none).
    pub signing_secret: Option<SigningSecret>,
    /// Set when the plan lives on GitHub and a webhook secret is configured.
    pub github_webhook: Option<GitHubWebhook>,
    /// Socket Mode's connections, when it runs.
    pub socket_mode: Option<Arc<SocketStatus>>,
    /// `GET /metrics`, when a recorder is installed (`serve`).
    pub metrics: Option<MetricsEndpoint>,
}

impl AppState {
    pub fn new(app: Arc<App>, signing_secret: Option<SigningSecret>) -> AppState {
        AppState { app, signing_secret, github_webhook: None, socket_mode: None, metrics: None }
    }
}

/// The whole HTTP surface; `serve` and the tests both use it.
pub fn router(state: Arc<AppState>) -> Router {
    // Slack shows a failure after 3 s; an answer still on its way then is
    // better as a 503 (Slack delivers events again) than as nothing.
    let slack = Router::new()
        .route("/slack/commands", post(slack_commands::handle))
        .route("/slack/interactions", post(slack_interactions::handle))
        .route("/slack/events", post(slack_events::handle))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, SLACK_TIME_LIMIT));
    let routes = if state.signing_secret.is_some() { slack } else { Router::new() };
    routes
        .route(
            "/github/webhook",
            post(github_webhook::handle)
                .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, GITHUB_TIME_LIMIT)),
        )
        .route("/alive", get(health::alive))
        .route("/metrics", get(metrics::scrape))
        .route("/api/health", get(health::health))
        .route("/", get(health::heartbeat))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(metrics::record_latency))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Slack's v0 signature over the raw body, at the app's clock.
fn verify(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<(), AppError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let now = state.app.clock().now().timestamp();
    let secret = state.signing_secret.as_ref().ok_or(SignatureError::Missing("signing secret"))?;
    secret.verify(header("x-slack-request-timestamp"), header("x-slack-signature"), body, now)?;
    Ok(())
}
