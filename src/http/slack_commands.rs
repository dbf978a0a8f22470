//! `POST /slack/commands`: verify, parse, and answer in the response.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{AppError, AppState, verify};
use planbot_slack::{SlashCommand, SlashCommandForm};

pub async fn handle(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    verify(&state, &headers, &body)?;
    let slash = match SlashCommand::parse(&body)? {
        SlashCommandForm::Command(slash) => slash,
        // Slack checks the app's certificate now and then; it wants a 200.
        SlashCommandForm::SslCheck => return Ok(StatusCode::OK.into_response()),
    };
    let answer = state.app.slash_command_rendered(&slash).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], answer.json).into_response())
}
