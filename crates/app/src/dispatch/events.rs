//! The Events API: direct messages to planbot (standup answers), the Home
//! tab being opened, and channel messages that name tasks. Each delivery
//! is acknowledged at once and handled once, however often Slack sends it.

use std::sync::Arc;

use super::{Ack, App, DispatchError};
use crate::previews::{MAX_PREVIEWS, named_tasks, preview_reply};
use planbot_reply::{Reply, Text};
use planbot_slack::events::{Event, EventPayload};
use planbot_slack::markup::plain_text;

impl App {
    /// Acknowledges a delivery and handles it after the acknowledgement.
    /// `Err` means it could not be checked against those already handled:
    /// the transport must not acknowledge, so Slack delivers it again.
    pub async fn event(self: &Arc<Self>, payload: EventPayload) -> Result<Ack, DispatchError> {
        let (event_id, event) = match payload {
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
        if !self.store.standups().first_delivery(&event_id, self.clock.now()).await? {
            tracing::debug!(event_id, "event redelivered; handled already");
            return Ok(Ack::Empty);
        }
        let app = Arc::clone(self);
        tokio::spawn(async move { app.handle_event(event).await });
        Ok(Ack::Empty)
    }

    async fn handle_event(&self, event: Event) {
        match event {
            Event::DirectMessage { user, channel, text } => {
                let (Some(standups), Some(web)) = (&self.standups, &self.slack) else { return };
                let text = plain_text(&text);
                let reply = match standups.message_received(&user, &text).await {
                    Ok(reply) => reply,
                    Err(error) => {
                        tracing::warn!(error = %error, user = %user, "could not record a standup message");
                        Reply::message(Text::plain(format!(
                            "Sorry, I could not save that: {error}. Please try again in a minute."
                        )))
                    }
                };
                if let Err(error) = web.post(&channel, &reply, None).await {
                    tracing::warn!(error = %error, user = %user, "could not answer a direct message");
                }
            }
            Event::HomeOpened { user } => {
                let Some(home) = &self.home else { return };
                if let Err(error) = home.publish(&user, true).await {
                    tracing::warn!(error = %error, user = %user, "could not publish the Home tab");
                }
            }
            Event::ChannelMessage { channel, text, ts, thread_ts, .. } => {
                if self.task_previews {
                    self.preview(&channel, &text, &ts, thread_ts.as_deref().unwrap_or(&ts)).await;
                }
            }
            Event::Ignored(_) => {}
        }
    }

    /// Cards for the tasks a message names, each once per thread. A message
    /// that mentions planbot arrives twice (`message` and `app_mention`,
    /// with different event ids): only the first delivery of it answers.
    async fn preview(&self, channel: &str, text: &str, ts: &str, thread: &str) {
        let Some(web) = &self.slack else { return };
        let loaded = self.plan.current();
        let now = self.clock.now();
        let named = named_tasks(&loaded.plan, text);
        if named.is_empty() {
            return;
        }
        match self.store.standups().first_preview(channel, thread, &format!("message {ts}"), now).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(error) => {
                tracing::warn!(error = %error, "could not check task previews");
                return;
            }
        }
        let mut fresh = Vec::new();
        for position in named.into_iter().take(MAX_PREVIEWS) {
            let id = loaded.plan.tasks()[position].id.as_str();
            match self.store.standups().first_preview(channel, thread, id, now).await {
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
}
