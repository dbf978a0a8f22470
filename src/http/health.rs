//! Liveness and health for Heroku, uptime checks and people.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use planbot_store::StoreError;
use serde::Serialize;

use super::AppState;
use crate::socket::SocketModeHealth;

const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn alive() -> &'static str {
    "ok"
}

#[derive(Serialize)]
pub struct Heartbeat {
    service: &'static str,
    status: &'static str,
    version: &'static str,
}

pub async fn heartbeat() -> Json<Heartbeat> {
    Json(Heartbeat { service: "planbot", status: "ok", version: env!("CARGO_PKG_VERSION") })
}

#[derive(Serialize)]
pub struct Health {
    /// `ok`, or `degraded` with the `reasons` (then the answer is a 503).
    status: &'static str,
    reasons: Vec<String>,
    version: &'static str,
    plan_source: String,
    /// Whether any version of the plan has loaded since the start.
    plan_loaded: bool,
    task_count: usize,
    milestone_count: usize,
    loaded_at: String,
    lint_errors: usize,
    plan_error: Option<String>,
    database: &'static str,
    database_ok: bool,
    /// Deliveries acknowledged to Slack and not yet handled.
    inbox_pending: Option<u64>,
    /// Socket Mode's connections, when it runs.
    socket_mode: Option<SocketModeHealth>,
}

/// Readiness: `200` only when planbot is whole, `503` with the reasons
/// otherwise (`/alive` is the liveness check).
pub async fn health(State(state): State<Arc<AppState>>) -> (StatusCode, Json<Health>) {
    let app = &state.app;
    let loaded = app.plan().current();
    let plan_error = app.plan().last_error();
    let mut reasons = Vec::new();
    if !loaded.is_loaded {
        reasons.push(format!("the plan is not loaded: {}", plan_error.as_deref().unwrap_or("still loading")));
    } else if let Some(error) = &plan_error {
        reasons.push(format!("the newest plan is not in use: {error}"));
    }
    let database = within(app.store().check_writable()).await;
    if let Err(error) = &database {
        reasons.push(format!("the database: {error}"));
    }
    let inbox_pending = within(app.store().inbox().inbox_depth()).await.ok().map(|depth| depth.pending);
    let socket_mode = state.socket_mode.as_ref().map(|status| status.health());
    if let Some(socket) = socket_mode.as_ref().filter(|socket| socket.state != "connected") {
        reasons.push(format!(
            "Socket Mode is {}: {}",
            socket.state,
            socket.last_error.as_deref().unwrap_or("no connection yet")
        ));
    }
    let status = if reasons.is_empty() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let health = Health {
        status: if reasons.is_empty() { "ok" } else { "degraded" },
        reasons,
        version: env!("CARGO_PKG_VERSION"),
        plan_source: app.plan().source().describe(),
        plan_loaded: loaded.is_loaded,
        task_count: loaded.plan.tasks().len(),
        milestone_count: loaded.plan.milestones().len(),
        loaded_at: loaded.loaded_at.to_rfc3339(),
        lint_errors: loaded.lint_errors,
        plan_error,
        database: app.store().engine().name(),
        database_ok: database.is_ok(),
        inbox_pending,
        socket_mode,
    };
    (status, Json(health))
}

/// A store call that does not answer in time counts as failed.
async fn within<T>(call: impl Future<Output = Result<T, StoreError>>) -> Result<T, StoreError> {
    tokio::time::timeout(DATABASE_TIMEOUT, call).await.unwrap_or_else(|_| Err(StoreError::Slow(DATABASE_TIMEOUT)))
}
