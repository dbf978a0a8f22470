//! planbot's side of the Slack Web API, on slack-morphism's client: direct
//! messages, channel posts, modals. Slack's `429 Retry-After` is honoured
//! by the client's rate control.

use std::sync::Arc;

use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use slack_morphism::prelude::{
    SLACK_TIER3_METHOD_CONFIG, SlackApiChatPostMessageRequest, SlackApiConversationsOpenResponse,
    SlackApiRateControlConfig, SlackApiToken, SlackApiTokenValue, SlackApiViewsOpenRequest, SlackBasicChannelInfo,
    SlackChannelId, SlackClient, SlackClientHyperConnector, SlackTriggerId, SlackView,
};

use super::SlackUserId;
use super::blocks::message_content;
use crate::command::Reply;

pub const DEFAULT_API_URL: &str = "https://slack.com/api";

type Connector = SlackClientHyperConnector<HttpsConnector<HttpConnector>>;

#[derive(Debug, Clone, thiserror::Error)]
#[error("Slack Web API: {0}")]
pub struct SlackWebError(String);

#[derive(Clone)]
pub struct SlackWeb {
    client: Arc<SlackClient<Connector>>,
    token: SlackApiToken,
}

impl std::fmt::Debug for SlackWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SlackWeb { token: <redacted> }")
    }
}

fn failed(err: impl std::fmt::Display) -> SlackWebError {
    SlackWebError(err.to_string())
}

impl SlackWeb {
    /// `api_url` is `https://slack.com/api` in production; tests point it
    /// at a fake (plain http is allowed for that).
    pub fn new(api_url: &str, bot_token: &str) -> Result<SlackWeb, SlackWebError> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(failed)?
            .https_or_http()
            .enable_http1()
            .build();
        let connector = SlackClientHyperConnector::with_connector(https)
            .with_slack_api_url(api_url.trim_end_matches('/'))
            .with_rate_control(SlackApiRateControlConfig::new().with_max_retries(5));
        let token = SlackApiToken::new(SlackApiTokenValue(bot_token.to_owned()));
        Ok(SlackWeb { client: Arc::new(SlackClient::new(connector)), token })
    }

    /// Posts `reply` in the person's direct-message channel with planbot.
    pub async fn direct_message(&self, user: &SlackUserId, reply: &Reply) -> Result<(), SlackWebError> {
        let session = self.client.open_session(&self.token);
        // Slack documents `users` as a comma-separated string, so it is sent
        // as one (slack-morphism's request type sends a JSON array).
        let open = json!({ "users": user.as_str() });
        let opened: SlackApiConversationsOpenResponse<SlackBasicChannelInfo> = session
            .http_session_api
            .http_post("conversations.open", &open, Some(&SLACK_TIER3_METHOD_CONFIG))
            .await
            .map_err(failed)?;
        self.post_in(opened.channel.id, reply).await
    }

    /// Posts `reply` in a channel (an id such as `C0123`, or `#name`).
    pub async fn post(&self, channel: &str, reply: &Reply) -> Result<(), SlackWebError> {
        self.post_in(SlackChannelId(channel.to_owned()), reply).await
    }

    async fn post_in(&self, channel: SlackChannelId, reply: &Reply) -> Result<(), SlackWebError> {
        let session = self.client.open_session(&self.token);
        let request = SlackApiChatPostMessageRequest::new(channel, message_content(reply));
        session.chat_post_message(&request).await.map_err(failed)?;
        Ok(())
    }

    /// Opens a modal; `trigger_id` must be used within 3 s of the click.
    pub async fn open_modal(&self, trigger_id: &str, view: SlackView) -> Result<(), SlackWebError> {
        let session = self.client.open_session(&self.token);
        let request = SlackApiViewsOpenRequest::new(SlackTriggerId(trigger_id.to_owned()), view);
        session.views_open(&request).await.map_err(failed)?;
        Ok(())
    }
}
