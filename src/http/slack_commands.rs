//! `POST /slack/commands`: verify, parse, and answer in the response.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::ack::HttpAck;
use super::{AppError, AppState, verify};
use planbot_app::dispatch::Ack;
use planbot_slack::{SlashCommand, SlashCommandForm};

pub async fn handle(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    verify(&state, &headers, &body)?;
    let slash = match SlashCommand::parse(&body)? {
        SlashCommandForm::Command(slash) => slash,
        // Slack checks the app's certificate now and then; it wants a 200.
        SlashCommandForm::SslCheck => return Ok(StatusCode::OK.into_response()),
    };
    let reply = state.app.slash_command(&slash).await?;
    Ok(HttpAck(Ack::Reply(reply)).into_response())
}
