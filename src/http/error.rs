//! Every failure a request can meet, and what the caller sees for it.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use planbot_app::dispatch::DispatchError;
use planbot_slack::{SignatureError, SlashCommandError, blocks};

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
    /// ephemeral apology naming what failed (Slack shows non-200 answers
    /// as a bare failure).
    #[error("command failed: {0}")]
    Command(#[from] DispatchError),
    /// A delivery that was not kept (or not understood): a 500 makes Slack
    /// deliver it again later rather than it being lost.
    #[error("delivery not kept: {0}")]
    NotKept(DispatchError),
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
                Json(blocks::command_response(&reason.apology())).into_response()
            }
            AppError::NotKept(DispatchError::Malformed(reason)) => {
                tracing::warn!(reason = %reason, "rejected a malformed delivery");
                (StatusCode::BAD_REQUEST, "malformed payload").into_response()
            }
            AppError::NotKept(reason) => {
                tracing::error!(error = %reason, "delivery not kept; Slack will retry");
                (StatusCode::INTERNAL_SERVER_ERROR, "try again later").into_response()
            }
        }
    }
}
