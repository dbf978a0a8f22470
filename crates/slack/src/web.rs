//! planbot's side of the Slack Web API, on slack-morphism's client: direct
//! messages, channel posts and thread replies, message updates, profiles,
//! modals. Every call goes through the rate gates, so Slack's `429
//! Retry-After` slows planbot down instead of losing a message.

use std::sync::Arc;
use std::time::Duration;

use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use slack_morphism::prelude::{
    SLACK_TIER3_METHOD_CONFIG, SlackApiChatGetPermalinkRequest, SlackApiChatPostMessageRequest,
    SlackApiChatUpdateRequest, SlackApiConversationsOpenResponse, SlackApiFilesComplete,
    SlackApiFilesCompleteUploadExternalRequest, SlackApiFilesGetUploadUrlExternalRequest,
    SlackApiFilesUploadViaUrlRequest, SlackApiToken, SlackApiTokenValue, SlackApiUsersInfoRequest,
    SlackApiViewsOpenRequest, SlackApiViewsPublishRequest, SlackBasicChannelInfo, SlackChannelId, SlackClient,
    SlackClientHyperConnector, SlackTriggerId, SlackTs, SlackView,
};

use super::SlackUserId;
use super::blocks::{Style, message_content, message_content_in};
use super::rate_gate::{CALL_TIMEOUT, RateGates};
use planbot_reply::Reply;
use slack_morphism::errors::SlackClientError;

pub const DEFAULT_API_URL: &str = "https://slack.com/api";

/// A Slack that does not even accept the connection is given up on soon;
/// each call's whole answer is bounded by the rate gates' timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// slack-morphism's connector: HTTPS to Slack, plain HTTP to a test fake.
pub type Connector = SlackClientHyperConnector<HttpsConnector<HttpConnector>>;

/// A connector for the Web API at `api_url` (`https://slack.com/api` in
/// production; tests point it at a fake, which plain http is allowed for).
pub fn connector(api_url: &str) -> Result<Connector, SlackWebError> {
    let mut http = HttpConnector::new();
    http.set_connect_timeout(Some(CONNECT_TIMEOUT));
    http.enforce_http(false);
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(SlackClientHyperConnector::with_connector(https).with_slack_api_url(api_url.trim_end_matches('/')))
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("Slack Web API: {message}")]
pub struct SlackWebError {
    message: String,
    /// Slack's error code when Slack answered `"ok": false`.
    code: Option<String>,
}

impl SlackWebError {
    pub fn new(message: impl Into<String>) -> SlackWebError {
        SlackWebError { message: message.into(), code: None }
    }

    /// Slack's own error code (`invalid_blocks`, `channel_not_found`, …),
    /// when the call got that far.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
}

/// A message planbot posted, which it may update later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedMessage {
    pub channel: String,
    pub ts: String,
}

impl PostedMessage {
    /// `channel ts`, as stored with the job that posted it.
    pub fn to_detail(&self) -> String {
        format!("{} {}", self.channel, self.ts)
    }

    pub fn from_detail(detail: &str) -> Option<PostedMessage> {
        let (channel, ts) = detail.split_once(' ')?;
        Some(PostedMessage { channel: channel.to_owned(), ts: ts.to_owned() })
    }
}

/// What planbot needs to know about a person from Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: Option<String>,
    /// IANA time zone name (`Africa/Johannesburg`).
    pub tz: Option<String>,
    pub is_bot: bool,
    /// Only with the `users:read.email` scope.
    pub email: Option<String>,
}

#[derive(Clone)]
pub struct SlackWeb {
    client: Arc<SlackClient<Connector>>,
    token: SlackApiToken,
    gates: Arc<RateGates>,
}

impl std::fmt::Debug for SlackWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SlackWeb { token: <redacted> }")
    }
}

fn failed(err: SlackClientError) -> SlackWebError {
    let code = match &err {
        SlackClientError::ApiError(api) => Some(api.code.clone()),
        _ => None,
    };
    SlackWebError { message: err.to_string(), code }
}

impl SlackWeb {
    /// `api_url` is `https://slack.com/api` in production; tests point it
    /// at a fake (plain http is allowed for that).
    pub fn new(api_url: &str, bot_token: &str) -> Result<SlackWeb, SlackWebError> {
        // slack-morphism's own rate control retries each call on its own;
        // the gates make all callers of a method wait together instead.
        let connector = connector(api_url)?;
        let token = SlackApiToken::new(SlackApiTokenValue(bot_token.to_owned()));
        Ok(SlackWeb { client: Arc::new(SlackClient::new(connector)), token, gates: Arc::default() })
    }

    /// The direct-message channel between planbot and `user`.
    pub async fn open_dm(&self, user: &SlackUserId) -> Result<String, SlackWebError> {
        // Slack documents `users` as a comma-separated string, so it is sent
        // as one (slack-morphism's request type sends a JSON array).
        let open = json!({ "users": user.as_str() });
        let opened: SlackApiConversationsOpenResponse<SlackBasicChannelInfo> = self
            .gates
            .run("conversations.open", || {
                let session = self.client.open_session(&self.token);
                let open = open.clone();
                async move {
                    session
                        .http_session_api
                        .http_post("conversations.open", &open, Some(&SLACK_TIER3_METHOD_CONFIG))
                        .await
                }
            })
            .await
            .map_err(failed)?;
        Ok(opened.channel.id.0)
    }

    /// Posts `reply` in the person's direct-message channel with planbot.
    pub async fn direct_message(&self, user: &SlackUserId, reply: &Reply) -> Result<PostedMessage, SlackWebError> {
        let channel = self.open_dm(user).await?;
        self.post(&channel, reply, None).await
    }

    /// Posts `reply` in a channel (an id such as `C0123`, or `#name`), in
    /// the thread of `thread_ts` when given.
    pub async fn post(
        &self,
        channel: &str,
        reply: &Reply,
        thread_ts: Option<&str>,
    ) -> Result<PostedMessage, SlackWebError> {
        self.post_in(channel, reply, thread_ts, Style::NATIVE).await
    }

    /// `post`, with tables and charts drawn in `style`.
    pub async fn post_in(
        &self,
        channel: &str,
        reply: &Reply,
        thread_ts: Option<&str>,
        style: Style,
    ) -> Result<PostedMessage, SlackWebError> {
        let mut request =
            SlackApiChatPostMessageRequest::new(SlackChannelId(channel.to_owned()), message_content_in(reply, style));
        if let Some(ts) = thread_ts {
            request = request.with_thread_ts(SlackTs(ts.to_owned()));
        }
        let key = format!("chat.postMessage {channel}");
        let posted = self
            .gates
            .run(&key, || async { self.client.open_session(&self.token).chat_post_message(&request).await })
            .await
            .map_err(failed)?;
        Ok(PostedMessage { channel: posted.channel.0, ts: posted.ts.0 })
    }

    /// Replaces a message planbot posted.
    pub async fn update(&self, message: &PostedMessage, reply: &Reply) -> Result<(), SlackWebError> {
        let request = SlackApiChatUpdateRequest::new(
            SlackChannelId(message.channel.clone()),
            message_content(reply),
            SlackTs(message.ts.clone()),
        );
        let key = format!("chat.update {}", message.channel);
        self.gates
            .run(&key, || async { self.client.open_session(&self.token).chat_update(&request).await })
            .await
            .map_err(failed)?;
        Ok(())
    }

    /// A link to a message (for "see the thread").
    pub async fn permalink(&self, message: &PostedMessage) -> Result<String, SlackWebError> {
        let request =
            SlackApiChatGetPermalinkRequest::new(SlackChannelId(message.channel.clone()), SlackTs(message.ts.clone()));
        let answer = self
            .gates
            .run("chat.getPermalink", || async {
                self.client.open_session(&self.token).chat_get_permalink(&request).await
            })
            .await
            .map_err(failed)?;
        Ok(answer.permalink.to_string())
    }

    /// The person's name and time zone (`users.info`).
    pub async fn profile(&self, user: &SlackUserId) -> Result<Profile, SlackWebError> {
        let request = SlackApiUsersInfoRequest::new(slack_morphism::prelude::SlackUserId(user.as_str().to_owned()));
        let answer = self
            .gates
            .run("users.info", || async { self.client.open_session(&self.token).users_info(&request).await })
            .await
            .map_err(failed)?;
        let user = answer.user;
        let display = user.profile.as_ref().and_then(|p| p.display_name.clone()).filter(|n| !n.trim().is_empty());
        let name = display.or(user.real_name.clone()).or(user.name.clone());
        let email = user.profile.as_ref().and_then(|p| p.email.as_ref()).map(|e| e.0.clone());
        Ok(Profile { name, tz: user.tz, is_bot: user.flags.is_bot.unwrap_or(false), email })
    }

    /// Opens a modal; `trigger_id` must be used within 3 s of the click.
    pub async fn open_modal(&self, trigger_id: &str, view: SlackView) -> Result<(), SlackWebError> {
        let request = SlackApiViewsOpenRequest::new(SlackTriggerId(trigger_id.to_owned()), view);
        self.gates
            .run("views.open", || async { self.client.open_session(&self.token).views_open(&request).await })
            .await
            .map_err(failed)?;
        Ok(())
    }

    /// Uploads a file (Slack's external upload: ask for a URL, send the
    /// bytes, complete) and shares it in `channel`, in the thread of
    /// `thread_ts` when given.
    pub async fn upload(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        filename: &str,
        title: &str,
        bytes: Vec<u8>,
    ) -> Result<(), SlackWebError> {
        let ask = SlackApiFilesGetUploadUrlExternalRequest::new(filename.to_owned(), bytes.len());
        let target = self
            .gates
            .run("files.getUploadURLExternal", || async {
                self.client.open_session(&self.token).get_upload_url_external(&ask).await
            })
            .await
            .map_err(failed)?;
        let send = SlackApiFilesUploadViaUrlRequest::new(target.upload_url, bytes, "image/png".to_owned());
        // The upload URL is not a rate-limited method, but it gets the
        // same time limit.
        let session = self.client.open_session(&self.token);
        tokio::time::timeout(CALL_TIMEOUT, session.files_upload_via_url(&send))
            .await
            .map_err(|_| SlackWebError::new(format!("the chart upload got no answer within {CALL_TIMEOUT:?}")))?
            .map_err(failed)?;
        let mut complete = SlackApiFilesCompleteUploadExternalRequest::new(vec![
            SlackApiFilesComplete::new(target.file_id).with_title(title.to_owned()),
        ])
        .with_channel_id(SlackChannelId(channel.to_owned()));
        if let Some(ts) = thread_ts {
            complete = complete.with_thread_ts(SlackTs(ts.to_owned()));
        }
        self.gates
            .run("files.completeUploadExternal", || async {
                self.client.open_session(&self.token).files_complete_upload_external(&complete).await
            })
            .await
            .map_err(failed)?;
        Ok(())
    }

    /// Publishes a person's Home tab.
    pub async fn publish_home(&self, user: &SlackUserId, view: SlackView) -> Result<(), SlackWebError> {
        let request =
            SlackApiViewsPublishRequest::new(slack_morphism::prelude::SlackUserId(user.as_str().to_owned()), view);
        self.gates
            .run("views.publish", || async { self.client.open_session(&self.token).views_publish(&request).await })
            .await
            .map_err(failed)?;
        Ok(())
    }
}
