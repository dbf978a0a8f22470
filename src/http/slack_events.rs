//! `POST /slack/events`: the Events API, signed like commands. Slack wants
//! a 2xx within 3 s and delivers again otherwise; a delivery that could
//! not be recorded gets a 500 so that it is delivered again, not lost.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::ack::HttpAck;
use super::{AppError, AppState, verify};
use planbot_slack::events::payload_of;

pub async fn handle(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    verify(&state, &headers, &body)?;
    let payload = payload_of(&body).map_err(|e| AppError::BadInteraction(e.to_string()))?;
    let ack = state.app.event(&payload).await.map_err(AppError::NotKept)?;
    Ok(HttpAck(ack).into_response())
}
