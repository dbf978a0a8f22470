//! Delivering edit notices by direct message and alerts to the ops channel.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::writeback::settled_reply;
use crate::writeback::{Notice, Notifier};
use planbot_reply::{Reply, Text};
use planbot_slack::web::SlackWeb;

pub struct SlackNotifier {
    web: SlackWeb,
    ops_channel: Option<String>,
}

impl SlackNotifier {
    pub fn new(web: SlackWeb, ops_channel: Option<String>) -> SlackNotifier {
        SlackNotifier { web, ops_channel }
    }
}

#[async_trait]
impl Notifier for SlackNotifier {
    async fn edits_settled(&self, notices: &[Notice]) {
        let mut by_author: BTreeMap<&str, Vec<&Notice>> = BTreeMap::new();
        for notice in notices {
            by_author.entry(notice.edit.author_id.as_str()).or_default().push(notice);
        }
        for notices in by_author.values() {
            let author = &notices[0].edit.author_id;
            if let Err(error) = self.web.direct_message(author, &settled_reply(notices)).await {
                tracing::warn!(user = %author, error = %error, "could not tell the author about their edit");
            }
        }
    }

    async fn alert(&self, message: &str) {
        let Some(channel) = &self.ops_channel else {
            tracing::error!(message, "alert (set OPS_CHANNEL to post alerts in Slack)");
            return;
        };
        if let Err(error) = self.web.post(channel, &Reply::message(Text::plain(format!("🚨 {message}"))), None).await
        {
            tracing::error!(error = %error, message, "could not post an alert to the ops channel");
        }
    }
}
