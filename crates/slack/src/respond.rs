//! Follow-ups through a request's `response_url`: the answer to a click,
//! sent after the click was acknowledged. Slack accepts 5 of them within
//! 30 minutes of the request.

use std::time::Duration;

use serde_json::json;

use crate::blocks::message_content;
use crate::web::SlackWebError;
use planbot_reply::{Reply, Visibility};

/// Slack answers a response URL in well under a second; a far side that
/// hangs must not hold a worker.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Clone, Debug)]
pub struct ResponseUrls {
    client: reqwest::Client,
}

impl ResponseUrls {
    pub fn new() -> Result<ResponseUrls, SlackWebError> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TOTAL_TIMEOUT)
            .build()
            .map_err(|error| SlackWebError::new(format!("cannot build the response_url client: {error}")))?;
        Ok(ResponseUrls { client })
    }

    /// Posts `reply` to `url`: seen only by the person who asked, unless
    /// the reply is for the channel.
    pub async fn send(&self, url: &str, reply: &Reply) -> Result<(), SlackWebError> {
        let mut body = serde_json::to_value(message_content(reply))
            .map_err(|error| SlackWebError::new(format!("cannot encode the follow-up: {error}")))?;
        let response_type = match reply.visibility {
            Visibility::Ephemeral => "ephemeral",
            Visibility::InChannel => "in_channel",
        };
        body["response_type"] = json!(response_type);
        body["replace_original"] = json!(false);
        let response = self
            .client
            .post(url)
            .json(&body)
            .send()
            .await
            .map_err(|error| SlackWebError::new(format!("response_url: {}", error.without_url())))?;
        if !response.status().is_success() {
            return Err(SlackWebError::new(format!("response_url answered {}", response.status())));
        }
        Ok(())
    }
}
