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

/// How a reply names people without pinging them: the name Slack gave
/// their profile (learned by the standup), else the owner role they
/// claimed, else their id as plain text. Never a `<@U…>` mention, which
/// would notify someone who did not ask to be.
pub async fn names_of(store: &dyn Store, users: &[SlackUserId]) -> Result<Vec<String>, StoreError> {
    let members = store.standups().standup_members().await?;
    let mut names = Vec::with_capacity(users.len());
    for user in users {
        let profile = members.iter().find(|m| m.user == *user).and_then(|m| m.name.clone());
        let name = match profile {
            Some(name) => name,
            None => match store.roles_of(user).await?.into_iter().next() {
                Some(role) => format!("{user} ({role})"),
                None => user.to_string(),
            },
        };
        names.push(name);
    }
    Ok(names)
}
