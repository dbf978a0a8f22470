//! Edit commands (`set`, `start`, `done`, `block`, `defer`, `note`,
//! `assign`), write rights (`grant`, `revoke`) and `pending`. An edit is
//! authorised, then queued in the outbox in one transaction; the reply
//! says "queued". The committer writes it to the plan's home afterwards.

use chrono::{DateTime, Utc};

use super::card::{find_task, missing_task};
use super::grammar::EditAction;
use super::lists::resolve_owner;
use super::{CommandError, Context};
use crate::caller::{Caller, may_change, names_of, who_are_you};
use planbot_domain::people::SlackUserId;
use planbot_domain::plan::{Change, Edit, Status, Task, TaskForm, TaskId, unsafe_cell_start};
use planbot_reply::{Block, Button, Reply, Text, clip, echo};
use planbot_slack::markup::plain_text;
use planbot_store::{Applier, EditState, NewEdit, QueuedEdit, Store};

const PENDING_SHOWN: u32 = 15;

fn read_only(ctx: &Context<'_>) -> Reply {
    Reply::message(
        Text::plain(format!("The plan at {} is read-only here. ", ctx.source_name))
            .and_plain("Point PLAN_SOURCE at a folder (a copy of examples/autorisen works) to change it from Slack."),
    )
    .refusal()
}

/// Queues the edits an edit command asks for, if the caller may change
/// every task it names: a batch (`done T4 T5`) is queued whole or not at
/// all, so nobody has to work out which half went through.
pub async fn edit(
    ctx: &Context<'_>,
    store: &dyn Store,
    caller: Option<&Caller<'_>>,
    typed_tasks: &[String],
    action: &EditAction,
) -> Result<Reply, CommandError> {
    let Some(caller) = caller else { return Ok(who_are_you()) };
    if !ctx.writable {
        return Ok(read_only(ctx));
    }
    let positions = match resolve_tasks(ctx, typed_tasks) {
        Ok(positions) => positions,
        Err(reply) => return Ok(reply),
    };
    let tasks: Vec<&Task> = positions.iter().map(|&p| &ctx.plan.tasks()[p]).collect();
    for task in &tasks {
        if let Some(refusal) = refuse_unless_allowed(ctx, store, caller.user, task).await? {
            return Ok(nothing_queued_if_batch(refusal, tasks.len()));
        }
    }
    let author = author_name(store, caller).await?;
    let by_editor = ctx.editors.contains(caller.user);
    let mut edits = Vec::new();
    for task in &tasks {
        match edits_for(ctx, task, action, &author, by_editor) {
            Ok(more) => edits.extend(more),
            Err(reply) => return Ok(nothing_queued_if_batch(reply, tasks.len())),
        }
    }
    enqueue(store, caller, &edits, ctx).await?;
    let mut reply = queued_reply(ctx, &edits);
    if let EditAction::SetStatus { status: Status::Completed | Status::InProgress, .. } = action {
        reply.blocks.extend(unmet_dependencies(ctx, &positions));
    }
    Ok(reply)
}

/// Every typed id as a task of the plan, each once; the first unknown one
/// refuses the whole line.
fn resolve_tasks(ctx: &Context<'_>, typed_tasks: &[String]) -> Result<Vec<usize>, Reply> {
    let mut positions: Vec<usize> = Vec::with_capacity(typed_tasks.len());
    for typed in typed_tasks {
        let Some(position) = find_task(ctx.plan, typed) else {
            return Err(nothing_queued_if_batch(missing_task(ctx.plan, typed), typed_tasks.len()));
        };
        if !positions.contains(&position) {
            positions.push(position);
        }
    }
    Ok(positions)
}

fn nothing_queued_if_batch(mut refusal: Reply, batch: usize) -> Reply {
    if batch > 1 {
        refusal
            .blocks
            .push(Block::Note(Text::plain("Nothing in this line was queued: fix it and send the whole line again.")));
    }
    refusal
}

async fn enqueue(
    store: &dyn Store,
    caller: &Caller<'_>,
    edits: &[Edit],
    ctx: &Context<'_>,
) -> Result<(), CommandError> {
    let queued: Vec<NewEdit> = edits
        .iter()
        .enumerate()
        .map(|(index, edit)| NewEdit {
            idempotency_key: caller.request_id.map(|id| format!("{id}#{index}")),
            author_id: caller.user.clone(),
            edit: edit.clone(),
            applied_by: None,
        })
        .collect();
    store.enqueue_edits(&queued, ctx.now).await?;
    Ok(())
}

fn queued_reply(ctx: &Context<'_>, edits: &[Edit]) -> Reply {
    let summaries: Vec<String> = edits.iter().map(Edit::summary).collect();
    let text = Text::plain("Queued: ")
        .and_bold(summaries.join("; "))
        .and_plain(format!(". It will be written to {} in a few seconds; ", ctx.source_name))
        .and_code("/plan pending")
        .and_plain(" shows what is still waiting.");
    Reply::message(text)
}

/// A heads-up, not a refusal: starting or finishing a task whose
/// dependencies are open is allowed (plans lag reality), but worth a look.
fn unmet_dependencies(ctx: &Context<'_>, positions: &[usize]) -> Option<Block> {
    let plan = ctx.plan;
    let lines: Vec<Text> = positions
        .iter()
        .filter_map(|&position| {
            let open: Vec<String> = plan
                .dependencies_of(position)
                .iter()
                .filter(|dep| !positions.contains(dep))
                .map(|&dep| &plan.tasks()[dep])
                .filter(|dep| !dep.is_done())
                .map(|dep| format!("{} ({})", dep.id, dep.status_label()))
                .collect();
            let task = &plan.tasks()[position];
            (!open.is_empty()).then(|| Text::plain(format!("{} still depends on {}", task.id, open.join(", "))))
        })
        .collect();
    (!lines.is_empty()).then(|| Block::list(Some(Text::bold("Heads-up: open dependencies")), lines))
}

/// `milestone M3 done`: an editor closes a milestone where it is written.
pub async fn close_milestone(
    ctx: &Context<'_>,
    store: &dyn Store,
    caller: Option<&Caller<'_>>,
    typed: &str,
) -> Result<Reply, CommandError> {
    let Some(caller) = caller else { return Ok(who_are_you()) };
    if !ctx.writable {
        return Ok(read_only(ctx));
    }
    if !ctx.editors.contains(caller.user) {
        return Ok(Reply::message(Text::plain("Only plan editors (PLAN_EDITORS) can close a milestone.")).refusal());
    }
    let milestones = ctx.plan.milestones();
    let Some(milestone) = milestones.iter().find(|m| m.id.eq_ignore_ascii_case(typed.trim())) else {
        let known: Vec<&str> = milestones.iter().map(|m| m.id.as_str()).collect();
        let text = match known.is_empty() {
            true => Text::plain(format!("The plan has no milestones, so there is no {} to close.", echo(typed))),
            false => Text::plain(format!("There is no milestone {}; the plan has {}.", echo(typed), known.join(", "))),
        };
        return Ok(Reply::message(text).refusal());
    };
    if let Some(done) = milestone.done {
        return Ok(Reply::message(Text::plain(format!("{} was already closed on {done}.", milestone.id))));
    }
    let Ok(id) = milestone.id.parse::<TaskId>() else {
        return Ok(Reply::message(Text::plain(format!(
            "{} can't be closed from Slack: its id is not one planbot can write back. Close it in {}.",
            echo(&milestone.id),
            ctx.markdown_path
        )))
        .refusal());
    };
    let author = author_name(store, caller).await?;
    let edit = Edit { task: id, change: Change::CloseMilestone, author, form: TaskForm::Markdown };
    enqueue(store, caller, std::slice::from_ref(&edit), ctx).await?;
    Ok(queued_reply(ctx, std::slice::from_ref(&edit)))
}

/// Editors may change anything; others need a granted role that owns the
/// task. A role claimed with `iam` is for reading only.
async fn refuse_unless_allowed(
    ctx: &Context<'_>,
    store: &dyn Store,
    user: &SlackUserId,
    task: &Task,
) -> Result<Option<Reply>, CommandError> {
    if may_change(store, ctx.editors, user, task).await? {
        return Ok(None);
    }
    let owner = if task.owner().is_empty() { "its owner" } else { task.owner() };
    let mut text = Text::plain(format!("You can't change {} yet: plan editors can change any task, and an editor can let you change {owner}'s tasks with ", task.id))
        .and_code(format!("/plan grant @you {owner}"))
        .and_plain(".");
    if ctx.editors.is_empty() {
        text = text.and_plain(" No editors are set up: an admin lists them in PLAN_EDITORS.");
    } else {
        let names = names_of(store, ctx.editors).await?;
        text = text.and_plain(format!(" Editors: {}.", names.join(", ")));
    }
    Ok(Some(Reply::message(text).refusal()))
}

/// How notes name the author, as the team signs theirs: their Slack name,
/// else their owner role, else the name Slack gave their profile; never a
/// raw user id, which reads as noise in the plan.
async fn author_name(store: &dyn Store, caller: &Caller<'_>) -> Result<String, CommandError> {
    if let Some(name) = caller.name.map(str::trim).filter(|name| !name.is_empty()) {
        return Ok(plain_text(name));
    }
    if let Some(role) = store.roles_of(caller.user).await?.into_iter().next() {
        return Ok(role);
    }
    let members = store.standups().standup_members().await.map_err(CommandError::Store)?;
    let profile = members.into_iter().find(|m| m.user == *caller.user).and_then(|m| m.name);
    Ok(profile.map_or_else(|| UNNAMED_AUTHOR.to_owned(), |name| plain_text(&name)))
}

/// The signature of someone planbot knows nothing about yet.
const UNNAMED_AUTHOR: &str = "a teammate";

/// What the caller typed as a new owner role, as it will stand in the plan:
/// the text Slack shows, and nothing a spreadsheet would run as a formula.
fn valid_new_role(typed: &str) -> Result<String, Reply> {
    let role = plain_text(typed).trim().to_owned();
    if let Some(start) = unsafe_cell_start(&role) {
        return Err(Reply::message(Text::plain(format!(
            "An owner role can't start with {start:?}: spreadsheets run such a cell as a formula. Nothing was changed."
        )))
        .refusal());
    }
    if role.is_empty() || role.chars().count() > MAX_ROLE_CHARS || role.contains(['\n', ',']) {
        return Err(Reply::message(Text::plain(format!(
            "An owner role is one short name (at most {MAX_ROLE_CHARS} characters, no commas). Nothing was changed."
        )))
        .refusal());
    }
    Ok(role)
}

/// An owner the plan does not know: for an editor, the button that makes
/// it a new role; for anyone else, the roles there are.
fn unknown_owner(unknown: Reply, task: &Task, typed: &str, by_editor: bool) -> Reply {
    if !by_editor {
        let mut reply = unknown;
        reply.blocks.push(Block::Note(Text::plain("Only a plan editor can give a task to a new owner role.")));
        return reply.refusal();
    }
    let role = plain_text(typed).trim().to_owned();
    let mut reply = unknown;
    reply
        .blocks
        .push(Block::Paragraph(Text::plain("If ").and_code(role.clone()).and_plain(" is a new role, confirm:")));
    reply.blocks.push(Block::Buttons(vec![Button {
        label: format!("Assign {} to new role {}", task.id, clip(&role, 30)),
        action_id: ASSIGN_NEW_ROLE,
        value: format!("{} {}", task.id, role),
        primary: false,
    }]));
    reply.refusal()
}

/// The button an editor presses to give a task to a new owner role.
pub const ASSIGN_NEW_ROLE: &str = "assign_new_role";
const MAX_ROLE_CHARS: usize = 40;

fn edits_for(
    ctx: &Context<'_>,
    task: &Task,
    action: &EditAction,
    author: &str,
    by_editor: bool,
) -> Result<Vec<Edit>, Reply> {
    let edit = |change| Edit { task: task.id.clone(), change, author: author.to_owned(), form: task.form };
    match action {
        EditAction::SetStatus { status, why } => {
            let seen = task.get(planbot_domain::plan::Column::Status).to_owned();
            let mut edits = vec![edit(Change::Status { seen, to: *status })];
            if let Some(why) = why {
                let why = plain_text(why);
                edits.push(edit(Change::Note { text: format!("{}: {why}", status_word(*status)) }));
            }
            Ok(edits)
        }
        EditAction::Note(text) => Ok(vec![edit(Change::Note { text: plain_text(text) })]),
        EditAction::Assign { owner, new_role } => {
            let to = match resolve_owner(ctx.plan, owner) {
                Ok(known) => known.to_owned(),
                Err(_) if *new_role && by_editor => valid_new_role(owner)?,
                Err(unknown) => return Err(unknown_owner(unknown, task, owner, by_editor)),
            };
            Ok(vec![edit(Change::Owner { seen: task.owner().to_owned(), to })])
        }
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Blocked => "blocked",
        Status::Deferred => "deferred",
        Status::Completed => "done",
        Status::InProgress => "started",
        Status::Todo => "reopened",
    }
}

/// "Apply anyway" on a conflict: the same change, queued again over the
/// value that got there first. Only its author or an editor may.
pub async fn apply_anyway(
    ctx: &Context<'_>,
    store: &dyn Store,
    caller: &Caller<'_>,
    edit_id: i64,
) -> Result<Reply, CommandError> {
    let Some(previous) = store.edit_by_id(edit_id).await? else {
        return Ok(Reply::message(Text::plain("That edit no longer exists.")));
    };
    if previous.state != EditState::Conflict {
        return Ok(Reply::message(Text::plain(format!(
            "{} is not waiting on a decision any more.",
            previous.edit.summary()
        ))));
    }
    if previous.author_id != *caller.user && !ctx.editors.contains(caller.user) {
        return Ok(Reply::message(Text::plain(
            "Only the person who asked for this edit, or a plan editor, can apply it anyway.",
        )));
    }
    let Some(position) = find_task(ctx.plan, previous.edit.task.as_str()) else {
        return Ok(missing_task(ctx.plan, previous.edit.task.as_str()));
    };
    if let Some(refusal) = refuse_unless_allowed(ctx, store, caller.user, &ctx.plan.tasks()[position]).await? {
        return Ok(refusal);
    }
    let current = previous.current_value.clone().unwrap_or_default();
    let change = match previous.edit.change.clone() {
        Change::Status { to, .. } => Change::Status { seen: current, to },
        Change::Owner { to, .. } => Change::Owner { seen: current, to },
        other @ (Change::Note { .. } | Change::CloseMilestone) => other,
    };
    let edit = Edit { change, ..previous.edit.clone() };
    // The edit stays its author's; someone else who applies it is named
    // beside them (in the commit) and told too.
    let applied_by = match previous.author_id == *caller.user {
        true => None,
        false => Some(Applier { id: caller.user.clone(), name: author_name(store, caller).await? }),
    };
    let again = NewEdit {
        idempotency_key: Some(format!("apply-anyway:{edit_id}")),
        author_id: previous.author_id.clone(),
        edit,
        applied_by,
    };
    store.enqueue_edits(std::slice::from_ref(&again), ctx.now).await?;
    Ok(Reply::message(
        Text::plain("Queued again, over the newer value: ").and_bold(again.edit.summary()).and_plain("."),
    ))
}

/// `grant @person ROLE` / `revoke @person ROLE`, for editors only.
pub async fn grant(
    ctx: &Context<'_>,
    store: &dyn Store,
    caller: Option<&Caller<'_>>,
    typed_user: &str,
    typed_role: &str,
    revoke: bool,
) -> Result<Reply, CommandError> {
    let Some(caller) = caller else { return Ok(who_are_you()) };
    if !ctx.editors.contains(caller.user) {
        return Ok(
            Reply::message(Text::plain("Only plan editors (PLAN_EDITORS) can grant or revoke write rights.")).refusal()
        );
    }
    let Some(user) = parse_mention(typed_user) else {
        return Ok(Reply::message(
            Text::plain("Name the person as a Slack mention, e.g. ")
                .and_code("/plan grant @dana devops")
                .and_plain("."),
        ));
    };
    let role = match resolve_owner(ctx.plan, typed_role) {
        Ok(role) => role,
        Err(reply) => return Ok(reply),
    };
    let name = names_of(store, std::slice::from_ref(&user)).await?.join("");
    let text = if revoke {
        let removed = store.revoke_role(&user, role).await?;
        let verb = if removed { "can no longer change" } else { "had no grant to change" };
        Text::plain(format!("{name} {verb} {role}'s tasks."))
    } else {
        store.grant_role(&user, role, caller.user, ctx.now).await?;
        Text::plain(format!("{name} can now change {role}'s tasks."))
    };
    Ok(Reply::message(text))
}

/// `<@U123|dana>`, `<@U123>`, `@U123` or `U123`.
fn parse_mention(typed: &str) -> Option<SlackUserId> {
    let inner = typed.trim().trim_start_matches('<').trim_end_matches('>').trim_start_matches('@');
    inner.split('|').next()?.parse().ok()
}

/// The caller's recent edits: what still waits, and what could not be made.
pub async fn pending(ctx: &Context<'_>, store: &dyn Store, caller: Option<&Caller<'_>>) -> Result<Reply, CommandError> {
    let author = caller.map(|c| c.user);
    let edits = store.recent_edits(author, PENDING_SHOWN).await?;
    let waiting: Vec<Text> =
        edits.iter().filter(|e| e.state == EditState::Pending).map(|e| pending_line(e, ctx.now)).collect();
    let problems: Vec<Text> =
        edits.iter().filter(|e| matches!(e.state, EditState::Conflict | EditState::Failed)).map(problem_line).collect();
    if waiting.is_empty() && problems.is_empty() {
        return Ok(Reply::message(Text::plain("Nothing is waiting: every edit has been written.")));
    }
    let mut blocks = Vec::new();
    if !waiting.is_empty() {
        blocks.push(Block::list(Some(Text::bold(format!("Waiting to be written ({})", waiting.len()))), waiting));
    }
    if !problems.is_empty() {
        blocks.push(Block::list(Some(Text::bold("Not written")), problems));
    }
    Ok(Reply::new(blocks))
}

fn pending_line(edit: &QueuedEdit, now: DateTime<Utc>) -> Text {
    let age = (now - edit.created_at).num_seconds().max(0);
    let mut line = Text::plain(format!("{} · queued {} ago", edit.edit.summary(), describe_age(age)));
    if let Some(error) = &edit.last_error {
        line = line.and_plain(format!(" · {} attempt(s), last error: {error}", edit.attempts));
    }
    line
}

fn problem_line(edit: &QueuedEdit) -> Text {
    match (&edit.state, &edit.current_value) {
        (EditState::Conflict, Some(current)) => Text::plain(format!(
            "{} · someone changed it to \"{current}\" first; nothing was overwritten",
            edit.edit.summary()
        )),
        _ => Text::plain(format!(
            "{} · failed: {}",
            edit.edit.summary(),
            edit.last_error.as_deref().unwrap_or("unknown reason")
        )),
    }
}

fn describe_age(seconds: i64) -> String {
    match seconds {
        s if s < 90 => format!("{s} s"),
        s if s < 5400 => format!("{} min", s / 60),
        s => format!("{} h", s / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_in_every_form_slack_sends() {
        for typed in ["<@U024BE7LH|dana>", "<@U024BE7LH>", "@U024BE7LH", "U024BE7LH"] {
            assert_eq!(parse_mention(typed).map(|u| u.to_string()), Some("U024BE7LH".to_owned()), "{typed}");
        }
        assert_eq!(parse_mention("@dana"), None);
    }
}
