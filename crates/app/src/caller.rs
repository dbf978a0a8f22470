//! Who is asking, and what they may change.

use planbot_domain::people::SlackUserId;
use planbot_domain::plan::Task;
use planbot_reply::{Reply, Text};
use planbot_store::{Store, StoreError};

/// Who is asking.
pub struct Caller<'a> {
    pub user: &'a SlackUserId,
    /// Their Slack name, when Slack sent one (notes are signed with it).
    pub name: Option<&'a str>,
    /// Slack's id for this request: a retried delivery is queued once.
    pub request_id: Option<&'a str>,
}

/// The answer when a command needs to know who is asking and cannot (the
/// command line without `--as`).
pub fn who_are_you() -> Reply {
    Reply::message(
        Text::plain("I don't know who is asking. From the command line, add ")
            .and_code("--as U…")
            .and_plain(" with your Slack user id."),
    )
    .refusal()
}

/// Whether `user` may change `task`: editors may change anything, others
/// the tasks of a role an editor granted them.
pub async fn may_change(
    store: &dyn Store,
    editors: &[SlackUserId],
    user: &SlackUserId,
    task: &Task,
) -> Result<bool, StoreError> {
    if editors.contains(user) {
        return Ok(true);
    }
    Ok(store.granted_roles(user).await?.iter().any(|role| task.owned_by(role)))
}
