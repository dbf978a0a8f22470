//! `POST /slack/commands`: verify, parse, answer from memory, log.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::snapshot::PlanSnapshot;
use super::{AppError, AppState};
use crate::command::{self, Caller, Command, CommandError, Reply, Request};
use crate::slack::{SlashCommand, SlashCommandForm, blocks};
use crate::store::CommandRecord;

pub async fn handle(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    let started = Instant::now();
    let now = state.clock.now();
    verify(&state, &headers, &body, now)?;
    let slash = match SlashCommand::parse(&body)? {
        SlashCommandForm::Command(slash) => slash,
        // Slack checks the app's certificate now and then; it wants a 200.
        SlashCommandForm::SslCheck => return Ok(StatusCode::OK.into_response()),
    };
    let request = command::parse(&slash.text);
    let outcome = answer(&state, &slash, &request, now).await;
    if let (Command::Edit { .. }, Some(committer)) = (&request.command, &state.committer) {
        committer.notify_one();
    }
    record(&state, &slash, &request, now, started.elapsed(), outcome.is_ok());
    Ok(Json(blocks::command_response(&outcome?)).into_response())
}

pub(super) fn verify(state: &AppState, headers: &HeaderMap, body: &[u8], now: DateTime<Utc>) -> Result<(), AppError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let timestamp = header("x-slack-request-timestamp");
    state.signing_secret.verify(timestamp, header("x-slack-signature"), body, now.timestamp())?;
    Ok(())
}

async fn answer(
    state: &AppState,
    slash: &SlashCommand,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<Reply, CommandError> {
    let snapshot = PlanSnapshot::take(state, now);
    let caller =
        Caller { user: &slash.user_id, name: slash.user_name.as_deref(), request_id: slash.trigger_id.as_deref() };
    command::respond(request, &snapshot.context(state), state.store.as_ref(), Some(&caller)).await
}

/// One structured log line and one command-log row per answered command.
fn record(state: &AppState, slash: &SlashCommand, request: &Request, at: DateTime<Utc>, latency: Duration, ok: bool) {
    let verb = request.command.verb();
    let task_id = request.command.task_argument().map(str::to_owned);
    tracing::info!(
        user = %slash.user_id,
        channel = slash.channel_id.as_deref().unwrap_or(""),
        verb,
        task_id = task_id.as_deref().unwrap_or(""),
        latency_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
        ok,
        "answered /plan"
    );
    state.command_log.record(CommandRecord {
        at,
        user: Some(slash.user_id.clone()),
        channel: slash.channel_id.clone(),
        verb: verb.to_owned(),
        task_id,
        latency,
        outcome: if ok { "ok" } else { "error" }.to_owned(),
    });
}
