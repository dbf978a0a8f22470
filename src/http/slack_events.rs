//! `POST /slack/events`: the Events API. Acknowledged at once (Slack wants
//! a 2xx within 3 s and retries otherwise); each event id is handled once
//! however often it is delivered; the work happens after the answer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{AppError, AppState};
use crate::previews::{MAX_PREVIEWS, named_tasks, preview_reply};
use crate::slack::events::{Event, EventPayload};

pub async fn handle(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    let now = state.clock.now();
    super::slack_commands::verify(&state, &headers, &body, now)?;
    let payload = EventPayload::parse(&body).map_err(|e| AppError::BadInteraction(e.to_string()))?;
    let (event_id, event) = match payload {
        EventPayload::UrlVerification { challenge } => {
            return Ok(([(header::CONTENT_TYPE, "text/plain")], challenge).into_response());
        }
        EventPayload::Callback { event_id, event } => (event_id, event),
        EventPayload::Other(kind) => {
            tracing::debug!(kind, "event payload ignored");
            return Ok(StatusCode::OK.into_response());
        }
    };
    if let Event::Ignored(kind) = &event {
        tracing::debug!(kind, "event ignored");
        return Ok(StatusCode::OK.into_response());
    }
    // A database that cannot say whether the event is new answers 500, so
    // Slack delivers it again later rather than it being lost.
    if !state.store.standups().first_delivery(&event_id, now).await? {
        tracing::debug!(event_id, "event redelivered; handled already");
        return Ok(StatusCode::OK.into_response());
    }
    tokio::spawn(async move { handle_event(&state, event).await });
    Ok(StatusCode::OK.into_response())
}

async fn handle_event(state: &AppState, event: Event) {
    match event {
        Event::DirectMessage { user, channel, text } => {
            let (Some(standups), Some(web)) = (&state.standups, &state.slack_web) else { return };
            let text = crate::slack::markup::plain_text(&text);
            let reply = match standups.message_received(&user, &text).await {
                Ok(reply) => reply,
                Err(error) => {
                    tracing::warn!(error = %error, user = %user, "could not record a standup message");
                    crate::command::Reply::message(crate::command::Text::plain(format!(
                        "Sorry, I could not save that: {error}. Please try again in a minute."
                    )))
                }
            };
            if let Err(error) = web.post(&channel, &reply, None).await {
                tracing::warn!(error = %error, user = %user, "could not answer a direct message");
            }
        }
        Event::HomeOpened { user } => {
            let Some(home) = &state.home else { return };
            if let Err(error) = home.publish(&user, true).await {
                tracing::warn!(error = %error, user = %user, "could not publish the Home tab");
            }
        }
        Event::ChannelMessage { channel, text, ts, thread_ts, .. } => {
            if state.task_previews {
                preview(state, &channel, &text, &ts, thread_ts.as_deref().unwrap_or(&ts)).await;
            }
        }
        Event::Ignored(_) => {}
    }
}

/// Cards for the tasks a message names, each once per thread. A message
/// that mentions planbot arrives twice (`message` and `app_mention`, with
/// different event ids): only the first delivery of it answers.
async fn preview(state: &AppState, channel: &str, text: &str, ts: &str, thread: &str) {
    let Some(web) = &state.slack_web else { return };
    let loaded = state.plan.current();
    let now = state.clock.now();
    if named_tasks(&loaded.plan, text).is_empty() {
        return;
    }
    match state.store.standups().first_preview(channel, thread, &format!("message {ts}"), now).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(error) => {
            tracing::warn!(error = %error, "could not check task previews");
            return;
        }
    }
    let mut fresh = Vec::new();
    for position in named_tasks(&loaded.plan, text).into_iter().take(MAX_PREVIEWS) {
        let id = loaded.plan.tasks()[position].id.as_str();
        match state.store.standups().first_preview(channel, thread, id, now).await {
            Ok(true) => fresh.push(position),
            Ok(false) => {}
            Err(error) => tracing::warn!(error = %error, "could not check task previews"),
        }
    }
    if fresh.is_empty() {
        return;
    }
    if let Err(error) = web.post(channel, &preview_reply(&loaded.plan, &fresh), Some(thread)).await {
        tracing::warn!(error = %error, "could not post task previews");
    }
}
