//! `/plan` commands: the grammar, and the answers built from the plan in
//! memory (plus the people store for `iam` and `mine`).

pub mod card;
pub mod edits;
mod grammar;
mod help;
mod lists;
mod notices;
mod overview;
mod people;

use chrono::{DateTime, NaiveDate, Utc};

pub use grammar::{Command, EditAction, Request, parse};
pub use notices::{APPLY_ANYWAY, settled_reply};
pub use planbot_reply::{Block, Button, MAX_LIST_ITEMS, Reply, Span, Text, Visibility, render_text};

use planbot_domain::people::SlackUserId;
use planbot_domain::plan::Plan;
use planbot_store::{Store, StoreError};

/// What an answer is computed from.
pub struct Context<'a> {
    pub plan: &'a Plan,
    pub now: DateTime<Utc>,
    /// The team's calendar day (answers count days against it).
    pub today: NaiveDate,
    /// How to name the CSV in lint messages and task cards.
    pub plan_path: &'a str,
    /// How to name the plan's home in replies about edits.
    pub source_name: &'a str,
    /// Whether edits can be written back to the plan's home.
    pub writable: bool,
    /// People who may change any task (`PLAN_EDITORS`).
    pub editors: &'a [SlackUserId],
    /// The standup service, where standups run.
    pub standups: Option<&'a std::sync::Arc<crate::standup::Standups>>,
    /// The weekly digest, where it runs.
    pub digests: Option<&'a std::sync::Arc<crate::digest::Digests>>,
}

/// Who is asking.
pub struct Caller<'a> {
    pub user: &'a SlackUserId,
    /// Their Slack name, when Slack sent one (notes are signed with it).
    pub name: Option<&'a str>,
    /// Slack's id for this request: a retried delivery is queued once.
    pub request_id: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Standup(#[from] crate::standup::StandupError),
    #[error(transparent)]
    Digest(#[from] crate::digest::DigestError),
}

/// Answers a request. Questions are answered from the plan in memory;
/// `iam`, `mine`, edits, grants and `pending` also use the store.
pub async fn respond(
    request: &Request,
    ctx: &Context<'_>,
    store: &dyn Store,
    caller: Option<&Caller<'_>>,
) -> Result<Reply, CommandError> {
    let user = caller.map(|c| c.user);
    let reply = match &request.command {
        Command::IAm(names) => people::iam(ctx, store, user, names).await?,
        Command::Mine => people::mine(ctx, store, user).await?,
        Command::Edit { task, action } => edits::edit(ctx, store, caller, task, action).await?,
        Command::Grant { user: who, role } => edits::grant(ctx, store, caller, who, role, false).await?,
        Command::Revoke { user: who, role } => edits::grant(ctx, store, caller, who, role, true).await?,
        Command::Pending => edits::pending(ctx, store, caller).await?,
        Command::Standup(words) => match ctx.standups {
            Some(standups) => crate::standup::commands::standup(standups, caller, words).await?,
            None => standups_off(),
        },
        Command::Digest => match ctx.digests {
            Some(digests) => digests.build_now().await?.reply,
            None => Reply::message(Text::plain("The digest is not running here.")),
        },
        Command::Away(words) => match ctx.standups {
            Some(standups) => crate::standup::commands::away(standups, caller, words).await?,
            None => standups_off(),
        },
        Command::Help => help::help(None),
        Command::Overview => overview::overview(ctx),
        Command::Status(id) => card::task_card(ctx, id),
        Command::Blockers => overview::blockers(ctx),
        Command::Milestones => overview::milestones(ctx),
        Command::Next(owner) => lists::next(ctx, owner.as_deref()),
        Command::Owner(name) => lists::owner(ctx, name),
        Command::Deps(id) => card::dependencies(ctx, id),
        Command::Search(words) => lists::search(ctx, words),
        Command::Lint => lists::lint(ctx),
        Command::Unknown { typed, hint } => help::help(Some((typed, *hint))),
    };
    Ok(reply.with_visibility(request.visibility))
}

fn standups_off() -> Reply {
    Reply::message(Text::plain("Standups are not running here."))
}

/// The answer when a command needs to know who is asking and cannot (the
/// command line without `--as`).
pub(crate) fn who_are_you() -> Reply {
    Reply::message(
        Text::plain("I don't know who is asking. From the command line, add ")
            .and_code("--as U…")
            .and_plain(" with your Slack user id."),
    )
}

/// One task as a list line: status, id, title, owner, status word.
pub(crate) fn task_line(plan: &Plan, position: usize) -> Text {
    let task = &plan.tasks()[position];
    let owner = if task.owner().is_empty() { String::new() } else { format!(" · {}", task.owner()) };
    Text::default().and_status(task.status()).and_plain(" ").and_bold(task.id.to_string()).and_plain(format!(
        " {}{owner} · {}",
        task.title(),
        task.status_label()
    ))
}
