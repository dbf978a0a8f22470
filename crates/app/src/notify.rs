//! Delivering edit notices by direct message and alerts to the ops channel.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::writeback::settled_reply;
use crate::writeback::{Notice, Notifier};
use planbot_domain::people::SlackUserId;
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
        // The author hears of each edit, and so does anyone who applied it
        // anyway on their behalf.
        let mut by_person: BTreeMap<&SlackUserId, Vec<&Notice>> = BTreeMap::new();
        for notice in notices {
            by_person.entry(&notice.edit.author_id).or_default().push(notice);
            if let Some(applier) = &notice.edit.applied_by {
                by_person.entry(&applier.id).or_default().push(notice);
            }
        }
        for (person, notices) in by_person {
            if let Err(error) = self.web.direct_message(person, &settled_reply(&notices)).await {
                tracing::warn!(user = %person, error = %error, "could not tell someone how their edit ended");
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
