//! `POST /slack/interactions`: clicks and submitted forms (the form field
//! `payload`, signed like commands).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::ack::HttpAck;
use super::{AppError, AppState, verify};
use planbot_slack::interaction::payload_of;

pub async fn handle(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    verify(&state, &headers, &body)?;
    let payload = payload_of(&body).map_err(|e| AppError::BadInteraction(e.to_string()))?;
    let ack = state.app.interaction(&payload).await.map_err(AppError::NotKept)?;
    Ok(HttpAck(ack).into_response())
}
