//! What a go-live check asks Slack: does the bot token work and with which
//! scopes (`auth.test` and its `x-oauth-scopes` header), and which channel
//! does `OPS_CHANNEL` name, with the bot in it or not
//! (`conversations.info`, or a paginated `conversations.list` over public
//! and private channels for a name).

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(10);
/// Pages of `conversations.list` read before giving up on a name.
const MAX_PAGES: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("Slack could not be reached at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// Slack answered `{"ok": false, "error": …}`.
    #[error("Slack refused {method}: {error}")]
    Refused { method: &'static str, error: String },
    #[error("Slack's answer to {method} was not understood: {reason}")]
    Unreadable { method: &'static str, reason: String },
}

impl ProbeError {
    /// Slack's error code, when Slack answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ProbeError::Refused { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Who the bot token belongs to, and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    pub team: String,
    pub user: String,
    pub bot_id: Option<String>,
    /// The scopes granted to the token (`x-oauth-scopes`).
    pub scopes: Vec<String>,
}

/// A channel as Slack knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub is_private: bool,
    /// Whether planbot's bot user is in it (it must be, to post and read).
    pub is_member: bool,
}

#[derive(Clone, Debug)]
pub struct SlackProbe {
    client: reqwest::Client,
    api_url: String,
    token: String,
}

impl SlackProbe {
    pub fn new(api_url: &str, token: &str) -> Result<SlackProbe, ProbeError> {
        let client = reqwest::Client::builder()
            .connect_timeout(TIMEOUT / 2)
            .timeout(TIMEOUT)
            .build()
            .map_err(|error| ProbeError::Unreachable { url: api_url.to_owned(), reason: error.to_string() })?;
        Ok(SlackProbe { client, api_url: api_url.trim_end_matches('/').to_owned(), token: token.to_owned() })
    }

    /// `auth.test`: the token works, for whom, with which scopes.
    pub async fn identity(&self) -> Result<BotIdentity, ProbeError> {
        let (body, scopes) = self.call("auth.test", &[]).await?;
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
        Ok(BotIdentity {
            team: text("team").unwrap_or_default(),
            user: text("user").unwrap_or_default(),
            bot_id: text("bot_id"),
            scopes: scopes
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }

    /// `apps.connections.open` (with an app-level token): a Socket Mode
    /// WebSocket URL, good for one connection.
    pub async fn open_socket(&self) -> Result<String, ProbeError> {
        let (body, _) = self.call("apps.connections.open", &[]).await?;
        body.get("url").and_then(Value::as_str).map(str::to_owned).ok_or(ProbeError::Unreadable {
            method: "apps.connections.open",
            reason: "no url in the answer".to_owned(),
        })
    }

    /// The channel `named` means: an id (`C…`, `G…`), `#name` or `name`.
    /// `Ok(None)` when no channel of that name is visible to the bot (a
    /// private channel is visible only once the bot is in it).
    pub async fn channel(&self, named: &str) -> Result<Option<Channel>, ProbeError> {
        let named = named.trim();
        if looks_like_channel_id(named) {
            return match self.call("conversations.info", &[("channel", named)]).await {
                Ok((body, _)) => Ok(body.get("channel").and_then(read_channel)),
                Err(error) if error.code() == Some("channel_not_found") => Ok(None),
                Err(error) => Err(error),
            };
        }
        self.find_by_name(named.trim_start_matches('#')).await
    }

    async fn find_by_name(&self, name: &str) -> Result<Option<Channel>, ProbeError> {
        let mut cursor = String::new();
        for _ in 0..MAX_PAGES {
            let query = [
                ("types", "public_channel,private_channel"),
                ("exclude_archived", "true"),
                ("limit", "200"),
                ("cursor", cursor.as_str()),
            ];
            let (body, _) = self.call("conversations.list", &query).await?;
            let channels = body.get("channels").and_then(Value::as_array).cloned().unwrap_or_default();
            if let Some(found) = channels.iter().filter_map(read_channel).find(|c| c.name.eq_ignore_ascii_case(name)) {
                return Ok(Some(found));
            }
            cursor = body.pointer("/response_metadata/next_cursor").and_then(Value::as_str).unwrap_or("").to_owned();
            if cursor.is_empty() {
                break;
            }
        }
        Ok(None)
    }

    /// One Web API call (a form POST, as Slack documents); the body and the
    /// `x-oauth-scopes` header.
    async fn call(&self, method: &'static str, args: &[(&str, &str)]) -> Result<(Value, Option<String>), ProbeError> {
        let url = format!("{}/{method}", self.api_url);
        let response =
            self.client.post(&url).bearer_auth(&self.token).form(args).send().await.map_err(|error| {
                ProbeError::Unreachable { url: url.clone(), reason: error.without_url().to_string() }
            })?;
        let scopes = response.headers().get("x-oauth-scopes").and_then(|value| value.to_str().ok()).map(str::to_owned);
        let body: Value = response
            .json()
            .await
            .map_err(|error| ProbeError::Unreadable { method, reason: error.without_url().to_string() })?;
        if body.get("ok").and_then(Value::as_bool) != Some(true) {
            let error = body.get("error").and_then(Value::as_str).unwrap_or("unknown_error").to_owned();
            return Err(ProbeError::Refused { method, error });
        }
        Ok((body, scopes))
    }
}

/// `C0123ABCD` (public), `G0123ABCD` (older private channels). Channel
/// names are lower case, so an upper-case word is never one.
pub fn looks_like_channel_id(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some('C' | 'G'))
        && text.len() >= 3
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn read_channel(value: &Value) -> Option<Channel> {
    #[derive(Deserialize)]
    struct Wire {
        id: String,
        #[serde(default)]
        name: String,
        #[serde(default)]
        is_private: bool,
        #[serde(default)]
        is_member: bool,
    }
    let wire: Wire = serde_json::from_value(value.clone()).ok()?;
    Some(Channel { id: wire.id, name: wire.name, is_private: wire.is_private, is_member: wire.is_member })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_ids_are_told_from_names() {
        assert!(looks_like_channel_id("C024BE91L"));
        assert!(looks_like_channel_id("G0AUTORISEN"));
        assert!(!looks_like_channel_id("autorisen-ops"));
        assert!(!looks_like_channel_id("#autorisen-ops"));
        assert!(!looks_like_channel_id("Cops"));
        assert!(!looks_like_channel_id("general"));
    }
}
