//! Every failure a request can meet, and what the caller sees for it.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::command::{CommandError, Reply, Text};
use crate::slack::{SignatureError, SlashCommandError, blocks};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not provably from Slack: nothing is processed.
    #[error("request signature rejected: {0}")]
    Unauthorized(#[from] SignatureError),
    #[error("malformed slash command: {0}")]
    BadCommand(#[from] SlashCommandError),
    #[error("malformed interaction: {0}")]
    BadInteraction(String),
    /// A signed command that failed on our side: the person gets an
    /// ephemeral apology (Slack shows non-200 answers as a bare failure).
    #[error("command failed: {0}")]
    Command(#[from] CommandError),
    /// An event that could not be checked against those already handled:
    /// a 500 makes Slack deliver it again later.
    #[error("event not recorded: {0}")]
    EventNotRecorded(#[from] crate::store::StoreError),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Unauthorized(reason) => {
                tracing::warn!(reason = %reason, "rejected an unsigned or badly signed request");
                (StatusCode::UNAUTHORIZED, "invalid or missing Slack signature").into_response()
            }
            AppError::BadCommand(reason) => {
                tracing::warn!(reason = %reason, "rejected a malformed slash command");
                (StatusCode::BAD_REQUEST, "malformed slash command").into_response()
            }
            AppError::BadInteraction(reason) => {
                tracing::warn!(reason = %reason, "rejected a malformed interaction");
                (StatusCode::BAD_REQUEST, "malformed interaction").into_response()
            }
            AppError::Command(reason) => {
                tracing::error!(error = %reason, "command failed");
                let reply = Reply::message(Text::plain(
                    "Sorry, planbot could not answer: its database did not respond. Please try again in a minute; if it keeps failing, tell the ops channel.",
                ));
                Json(blocks::command_response(&reply)).into_response()
            }
            AppError::EventNotRecorded(reason) => {
                tracing::error!(error = %reason, "event not recorded; Slack will retry");
                (StatusCode::INTERNAL_SERVER_ERROR, "try again later").into_response()
            }
        }
    }
}
