//! `POST /slack/commands`: verify, parse, answer from memory, log.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use slack_morphism::prelude::SlackCommandEventResponse;

use super::{AppError, AppState};
use crate::command::{self, Context};
use crate::slack::{SlashCommand, blocks};
use crate::store::CommandRecord;

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

pub async fn handle(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<SlackCommandEventResponse>, AppError> {
    let started = Instant::now();
    let now = state.clock.now();
    state.signing_secret.verify(
        header(&headers, "x-slack-request-timestamp"),
        header(&headers, "x-slack-signature"),
        &body,
        now.timestamp(),
    )?;
    let slash = SlashCommand::parse(&body)?;
    let request = command::parse(&slash.text);
    let loaded = state.plan.current();
    let plan_path = state.plan.source().csv_display_path();
    let ctx = Context { plan: &loaded.plan, today: now.date_naive(), plan_path: &plan_path };
    let outcome = command::respond(&request, &ctx, state.store.as_ref(), Some(&slash.user_id)).await;
    let latency = started.elapsed();
    let verb = request.command.verb();
    let task_id = request.command.task_argument().map(str::to_owned);
    tracing::info!(
        user = %slash.user_id,
        verb,
        task_id = task_id.as_deref().unwrap_or(""),
        latency_us = latency.as_micros() as u64,
        ok = outcome.is_ok(),
        "answered /plan"
    );
    state.command_log.record(CommandRecord {
        at: now,
        user: Some(slash.user_id.clone()),
        channel: slash.channel_id.clone(),
        verb: verb.to_owned(),
        task_id,
        latency,
        outcome: if outcome.is_ok() { "ok" } else { "error" }.to_owned(),
    });
    Ok(Json(blocks::command_response(&outcome?)))
}
