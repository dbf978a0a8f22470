//! `iam` and `mine`: the link between a Slack user and owner roles.

use chrono::Utc;

use super::lists::{owners_tasks, resolve_owner};
use super::{CommandError, Context};
use crate::caller::who_are_you;
use planbot_domain::people::{GitHubLogin, SlackUserId};
use planbot_reply::{Reply, Text};
use planbot_store::Store;

/// `iam` alone shows your roles; `iam ROLE…` replaces them.
pub async fn iam(
    ctx: &Context<'_>,
    store: &dyn Store,
    caller: Option<&SlackUserId>,
    names: &[String],
) -> Result<Reply, CommandError> {
    let Some(caller) = caller else { return Ok(who_are_you()) };
    if names.is_empty() {
        let roles = store.roles_of(caller).await?;
        return Ok(Reply::message(describe_roles(&roles)));
    }
    if let [name] = names {
        if let Some(login) = name.strip_prefix("github:") {
            return link_github(store, caller, login).await;
        }
    }
    let mut roles: Vec<String> = Vec::new();
    for name in names {
        match resolve_owner(ctx.plan, name) {
            Ok(owner) if !roles.iter().any(|r| r == owner) => roles.push(owner.to_owned()),
            Ok(_) => {}
            Err(reply) => return Ok(reply),
        }
    }
    store.set_roles(caller, &roles, Utc::now()).await?;
    let text = Text::plain("Got it: you are ")
        .and_bold(roles.join(", "))
        .and_plain(". ")
        .and_code("/plan mine")
        .and_plain(" now lists those tasks.");
    Ok(Reply::message(text))
}

/// `/plan iam github:LOGIN` (or `github:off`): whose commits and pull
/// requests draft this person's standup update.
async fn link_github(store: &dyn Store, caller: &SlackUserId, login: &str) -> Result<Reply, CommandError> {
    if login.eq_ignore_ascii_case("off") {
        store.link_github(caller, None, Utc::now()).await?;
        return Ok(Reply::message(Text::plain("Unlinked: your standup prompts no longer draft from GitHub.")));
    }
    match login.parse::<GitHubLogin>() {
        Ok(login) => {
            store.link_github(caller, Some(login.as_str()), Utc::now()).await?;
            let text = Text::plain("Linked GitHub ")
                .and_bold(login.as_str())
                .and_plain(": your standup prompts start with a draft from your commits and pull requests. ")
                .and_code("/plan iam github:off")
                .and_plain(" unlinks.");
            Ok(Reply::message(text))
        }
        Err(error) => Ok(Reply::message(
            Text::plain(planbot_reply::clip(&error.to_string(), 200))
                .and_plain(". Try ")
                .and_code("/plan iam github:dana-ndlovu")
                .and_plain("."),
        )
        .refusal()),
    }
}

fn describe_roles(roles: &[String]) -> Text {
    if roles.is_empty() {
        Text::plain("You have no owner role yet. Claim one with ").and_code("/plan iam backend").and_plain(".")
    } else {
        Text::plain("You are ")
            .and_bold(roles.join(", "))
            .and_plain(". Change it with ")
            .and_code("/plan iam ROLE")
            .and_plain(".")
    }
}

/// The caller's tasks, through the roles they claimed.
pub async fn mine(ctx: &Context<'_>, store: &dyn Store, caller: Option<&SlackUserId>) -> Result<Reply, CommandError> {
    let Some(caller) = caller else { return Ok(who_are_you()) };
    let roles = store.roles_of(caller).await?;
    if roles.is_empty() {
        let owners = ctx.plan.owners().join(", ");
        let text = describe_roles(&roles).and_plain(format!(" Owners in the plan: {owners}."));
        return Ok(Reply::message(text));
    }
    Ok(owners_tasks(ctx.plan, &roles, "Your tasks"))
}
