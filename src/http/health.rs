//! Liveness and health for Heroku, uptime checks and people.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
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
    /// `ok`, or `degraded` when the database fails or the newest plan
    /// files do not parse (the last good plan is still served).
    status: &'static str,
    version: &'static str,
    plan_source: String,
    task_count: usize,
    milestone_count: usize,
    loaded_at: String,
    lint_errors: usize,
    plan_error: Option<String>,
    database: &'static str,
    database_ok: bool,
    /// Socket Mode's connections, when it runs.
    socket_mode: Option<SocketModeHealth>,
}

pub async fn health(State(state): State<Arc<AppState>>) -> Json<Health> {
    let app = &state.app;
    let loaded = app.plan().current();
    let database_ok = matches!(tokio::time::timeout(DATABASE_TIMEOUT, app.store().ping()).await, Ok(Ok(())));
    let plan_error = app.plan().last_error();
    Json(Health {
        status: if database_ok && plan_error.is_none() { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        plan_source: app.plan().source().describe(),
        task_count: loaded.plan.tasks().len(),
        milestone_count: loaded.plan.milestones().len(),
        loaded_at: loaded.loaded_at.to_rfc3339(),
        lint_errors: loaded.lint_errors,
        plan_error,
        database: app.store().engine().name(),
        database_ok,
        socket_mode: state.socket_mode.as_ref().map(|status| status.health()),
    })
}
