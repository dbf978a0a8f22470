//! Events API payloads (signed JSON): the URL check when the app is set
//! up, and event callbacks, each with the `event_id` Slack retries under.

use serde_json::Value;

use super::SlackUserId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventPayload {
    /// Slack checking the events URL: answer with the challenge.
    UrlVerification {
        challenge: String,
    },
    Callback {
        event_id: String,
        event: Event,
    },
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A person wrote to planbot in their direct-message channel.
    DirectMessage { user: SlackUserId, channel: String, text: String },
    /// A person opened planbot's Home tab.
    HomeOpened { user: SlackUserId },
    /// A person's message in a channel planbot is in, or a mention of
    /// planbot (`ts` and `thread_ts` place the reply).
    ChannelMessage { user: SlackUserId, channel: String, text: String, ts: String, thread_ts: Option<String> },
    /// Bots (planbot included), edits, joins, and anything else.
    Ignored(String),
}

#[derive(Debug, thiserror::Error)]
#[error("not an Events API payload: {0}")]
pub struct EventError(String);

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// An HTTP delivery's body as JSON.
pub fn payload_of(body: &[u8]) -> Result<Value, EventError> {
    serde_json::from_slice(body).map_err(|e| EventError(e.to_string()))
}

impl EventPayload {
    /// An HTTP delivery's body.
    pub fn parse(body: &[u8]) -> Result<EventPayload, EventError> {
        EventPayload::from_value(&payload_of(body)?)
    }

    /// The payload as JSON, whichever transport brought it.
    pub fn from_value(payload: &Value) -> Result<EventPayload, EventError> {
        match text(payload, "type").as_deref() {
            Some("url_verification") => Ok(EventPayload::UrlVerification {
                challenge: text(payload, "challenge").ok_or_else(|| EventError("no challenge".into()))?,
            }),
            Some("event_callback") => {
                let team = text(payload, "team_id").unwrap_or_default();
                let id = text(payload, "event_id").ok_or_else(|| EventError("no event_id".into()))?;
                let event = payload.get("event").cloned().unwrap_or(Value::Null);
                // Event ids are unique per workspace.
                Ok(EventPayload::Callback { event_id: format!("{team}:{id}"), event: Event::parse(&event) })
            }
            other => Ok(EventPayload::Other(other.unwrap_or_default().to_owned())),
        }
    }
}

impl Event {
    fn parse(event: &Value) -> Event {
        let kind = text(event, "type").unwrap_or_default();
        let from_a_person = event.get("bot_id").is_none() && event.get("subtype").is_none();
        let user = text(event, "user").and_then(|u| u.parse::<SlackUserId>().ok());
        match (kind.as_str(), user) {
            ("app_home_opened", Some(user)) if text(event, "tab").as_deref() != Some("messages") => {
                Event::HomeOpened { user }
            }
            ("message", Some(user)) if from_a_person && text(event, "channel_type").as_deref() == Some("im") => {
                Event::DirectMessage {
                    user,
                    channel: text(event, "channel").unwrap_or_default(),
                    text: text(event, "text").unwrap_or_default(),
                }
            }
            ("message" | "app_mention", Some(user)) if from_a_person => Event::ChannelMessage {
                user,
                channel: text(event, "channel").unwrap_or_default(),
                text: text(event, "text").unwrap_or_default(),
                ts: text(event, "ts").unwrap_or_default(),
                thread_ts: text(event, "thread_ts"),
            },
            _ => Event::Ignored(kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_check_carries_its_challenge() {
        let body = br#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
        assert_eq!(
            EventPayload::parse(body).unwrap(),
            EventPayload::UrlVerification { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P".into() }
        );
    }

    #[test]
    fn a_direct_message_from_a_person_is_read_and_bots_are_ignored() {
        let person = br#"{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"message",
            "channel":"D024BE91L","channel_type":"im","user":"U2147483697","text":"DEVOPS-035 done","ts":"1.2"}}"#;
        let EventPayload::Callback { event_id, event } = EventPayload::parse(person).unwrap() else { panic!() };
        assert_eq!(event_id, "T1:Ev1");
        assert!(matches!(event, Event::DirectMessage { ref text, .. } if text == "DEVOPS-035 done"));
        let bot = br#"{"type":"event_callback","team_id":"T1","event_id":"Ev2","event":{"type":"message",
            "channel":"D024BE91L","channel_type":"im","bot_id":"B1","user":"U0PLANBOT","text":"Standup","ts":"1.3"}}"#;
        let EventPayload::Callback { event, .. } = EventPayload::parse(bot).unwrap() else { panic!() };
        assert_eq!(event, Event::Ignored("message".into()));
    }
}
