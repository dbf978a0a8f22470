//! The Events API: direct messages to planbot (standup answers), the Home
//! tab being opened, and channel messages that name tasks. Each delivery
//! is kept in the inbox and acknowledged at once, and handled once after
//! that, however often Slack sends it.

use serde_json::Value;
use tracing::Instrument;

use super::inbox::{Kind, WorkError};
use super::{Ack, App, DispatchError};
use crate::previews::{MAX_PREVIEWS, named_tasks, preview_reply};
use planbot_domain::people::SlackUserId;
use planbot_slack::events::{Event, EventPayload};
use planbot_slack::markup::plain_text;

impl App {
    /// Keeps a delivery and acknowledges it; the inbox worker handles it
    /// after the acknowledgement. `Err` means it could not be kept: the
    /// transport must not acknowledge, so that Slack delivers it again.
    pub async fn event(&self, payload: &Value) -> Result<Ack, DispatchError> {
        let request_id = payload.get("event_id").and_then(Value::as_str).unwrap_or("");
        let span = tracing::info_span!("event", request_id);
        self.event_in_span(payload).instrument(span).await
    }

    async fn event_in_span(&self, payload: &Value) -> Result<Ack, DispatchError> {
        let parsed = EventPayload::from_value(payload).map_err(|error| DispatchError::Malformed(error.to_string()))?;
        let (event_id, event) = match parsed {
            EventPayload::UrlVerification { challenge } => return Ok(Ack::Challenge(challenge)),
            EventPayload::Callback { event_id, event } => (event_id, event),
            EventPayload::Other(kind) => {
                tracing::debug!(kind, "event payload ignored");
                return Ok(Ack::Empty);
            }
        };
        if let Event::Ignored(kind) = &event {
            tracing::debug!(kind, "event ignored");
            return Ok(Ack::Empty);
        }
        if !self.keep(&format!("event:{event_id}"), Kind::Event, payload).await? {
            tracing::debug!(event_id, "event redelivered; kept already");
        }
        Ok(Ack::Empty)
    }

    /// Handles a kept event.
    pub(super) async fn work_event(&self, payload: &Value) -> Result<(), WorkError> {
        let parsed = EventPayload::from_value(payload).map_err(|error| WorkError::Malformed(error.to_string()))?;
        let EventPayload::Callback { event, .. } = parsed else { return Ok(()) };
        match event {
            Event::DirectMessage { user, channel, text } => self.direct_message(&user, &channel, &text).await,
            Event::HomeOpened { user } => {
                let Some(home) = &self.home else { return Ok(()) };
                home.publish(&user, true).await.map(drop).map_err(|error| failed("publish the Home tab", error))
            }
            Event::ChannelMessage { channel, text, ts, thread_ts, .. } if self.task_previews => {
                self.preview(&channel, &text, &ts, thread_ts.as_deref().unwrap_or(&ts)).await
            }
            Event::ChannelMessage { .. } | Event::Ignored(_) => Ok(()),
        }
    }

    /// A direct message to planbot is a standup answer; it is answered in
    /// the same conversation.
    async fn direct_message(&self, user: &SlackUserId, channel: &str, text: &str) -> Result<(), WorkError> {
        let (Some(standups), Some(web)) = (&self.standups, &self.slack) else { return Ok(()) };
        let reply = standups
            .message_received(user, &plain_text(text))
            .await
            .map_err(|error| failed("record a standup message", error))?;
        web.post(channel, &reply, None).await.map(drop).map_err(|error| failed("answer a direct message", error))
    }

    /// Cards for the tasks a message names, each once per thread. A message
    /// that mentions planbot arrives twice (`message` and `app_mention`,
    /// with different event ids): only the first delivery of it answers.
    async fn preview(&self, channel: &str, text: &str, ts: &str, thread: &str) -> Result<(), WorkError> {
        let Some(web) = &self.slack else { return Ok(()) };
        let loaded = self.plan.current();
        let now = self.clock.now();
        let named = named_tasks(&loaded.plan, text);
        let previews = self.store.standups();
        let check = |error| failed("check task previews", error);
        if named.is_empty()
            || !previews.first_preview(channel, thread, &format!("message {ts}"), now).await.map_err(check)?
        {
            return Ok(());
        }
        let mut fresh = Vec::new();
        for position in named.into_iter().take(MAX_PREVIEWS) {
            let id = loaded.plan.tasks()[position].id.as_str();
            if previews.first_preview(channel, thread, id, now).await.map_err(check)? {
                fresh.push(position);
            }
        }
        if fresh.is_empty() {
            return Ok(());
        }
        let reply = preview_reply(&loaded.plan, &fresh);
        web.post(channel, &reply, Some(thread)).await.map(drop).map_err(|error| failed("post task previews", error))
    }
}

/// A failure worth another attempt, saying what was being done.
pub(super) fn failed(doing: &str, error: impl std::fmt::Display) -> WorkError {
    WorkError::Failed(format!("could not {doing}: {error}"))
}
