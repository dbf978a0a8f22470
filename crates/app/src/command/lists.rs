//! Lists of tasks: `next`, `owner`, `mine`, `search`, and the `lint` report.

use super::Context;
use crate::views::task_line;
use planbot_domain::plan::{Plan, Priority, Status};
use planbot_reply::{Block, Reply, Text, echo};

/// Tasks ready to start (todo, every dependency completed), by priority.
pub fn next(ctx: &Context<'_>, owner: Option<&str>) -> Reply {
    let plan = ctx.plan;
    let owner = match owner.map(|typed| resolve_owner(plan, typed)) {
        Some(Err(reply)) => return reply,
        Some(Ok(owner)) => Some(owner),
        None => None,
    };
    let mut ready: Vec<usize> = (0..plan.tasks().len())
        .filter(|&p| plan.is_ready(p) && owner.is_none_or(|o| plan.tasks()[p].owned_by(o)))
        .collect();
    ready.sort_by_key(|&p| plan.tasks()[p].priority.clone());
    let whose = owner.map(|o| format!(" for {o}")).unwrap_or_default();
    if ready.is_empty() {
        return nothing_ready(plan, owner, &whose);
    }
    let items = ready
        .iter()
        .map(|&p| match &plan.tasks()[p].priority {
            Priority::Unset => task_line(plan, p),
            priority => task_line(plan, p).and_plain(format!(" · {priority} priority")),
        })
        .collect();
    Reply::new(vec![Block::list(Some(Text::bold(format!("Ready to start{whose} ({})", ready.len()))), items)])
}

/// Why nothing is ready: no todo task at all, or each one waits on
/// something, named.
fn nothing_ready(plan: &Plan, owner: Option<&str>, whose: &str) -> Reply {
    let todo: Vec<usize> = (0..plan.tasks().len())
        .filter(|&p| {
            let task = &plan.tasks()[p];
            task.status() == Some(Status::Todo) && owner.is_none_or(|o| task.owned_by(o))
        })
        .collect();
    if todo.is_empty() {
        let open = (0..plan.tasks().len())
            .filter(|&p| plan.tasks()[p].is_open() && owner.is_none_or(|o| plan.tasks()[p].owned_by(o)))
            .count();
        return Reply::message(Text::plain(format!(
            "Nothing{whose} is waiting to be started: no task is todo ({open} open task(s) are already started or blocked)."
        )));
    }
    let waiting = todo
        .iter()
        .map(|&p| {
            let open_deps: Vec<String> = plan
                .dependencies_of(p)
                .iter()
                .filter(|&&d| !plan.tasks()[d].is_done())
                .map(|&d| format!("{} ({})", plan.tasks()[d].id, plan.tasks()[d].status_label()))
                .collect();
            let unknown: Vec<String> =
                plan.unknown_dependencies_of(p).map(|id| format!("{id} (not in the plan)")).collect();
            task_line(plan, p).and_plain(format!(" · waits on {}", [open_deps, unknown].concat().join(", ")))
        })
        .collect();
    Reply::new(vec![
        Block::Paragraph(Text::plain(format!(
            "No task{whose} is ready to start: each todo task waits on unfinished work."
        ))),
        Block::list(Some(Text::bold("Waiting")), waiting),
    ])
}

/// One owner's tasks: open work first, then a count of what is done.
pub fn owner(ctx: &Context<'_>, typed: &str) -> Reply {
    match resolve_owner(ctx.plan, typed) {
        Ok(owner) => owners_tasks(ctx.plan, &[owner.to_owned()], &format!("{owner}'s tasks")),
        Err(reply) => reply,
    }
}

/// The tasks of several owner roles (what `mine` shows).
pub fn owners_tasks(plan: &Plan, owners: &[String], title: &str) -> Reply {
    let owns = |p: usize| owners.iter().any(|o| plan.tasks()[p].owned_by(o));
    let mut open: Vec<usize> = (0..plan.tasks().len()).filter(|&p| owns(p) && plan.tasks()[p].is_open()).collect();
    open.sort_by_key(|&p| (status_rank(plan.tasks()[p].status()), plan.tasks()[p].priority.clone()));
    let done = (0..plan.tasks().len()).filter(|&p| owns(p) && plan.tasks()[p].is_done()).count();
    let parked =
        (0..plan.tasks().len()).filter(|&p| owns(p) && plan.tasks()[p].status() == Some(Status::Deferred)).count();
    let heading = Text::bold(format!("{title} · {} open", open.len()));
    let items = open.into_iter().map(|p| task_line(plan, p)).collect();
    Reply::new(vec![
        Block::list(Some(heading), items),
        Block::Note(Text::plain(format!("{done} completed · {parked} deferred"))),
    ])
}

/// Work in flight first: in progress, blocked, then todo.
fn status_rank(status: Option<Status>) -> u8 {
    match status {
        Some(Status::InProgress) => 0,
        Some(Status::Blocked) => 1,
        Some(Status::Todo) => 2,
        _ => 3,
    }
}

/// The owner as the plan spells it, or a reply suggesting the right one.
pub fn resolve_owner<'p>(plan: &'p Plan, typed: &str) -> Result<&'p str, Reply> {
    if let Some(owner) = plan.find_owner(typed) {
        return Ok(owner);
    }
    let suggestions = plan.suggest_owners(typed);
    let hint = if suggestions.is_empty() {
        format!(" Owners in the plan: {}.", plan.owners().join(", "))
    } else {
        format!(" Did you mean {}?", suggestions.join(" or "))
    };
    Err(Reply::message(
        Text::plain("No task in the plan is owned by ").and_code(echo(typed)).and_plain(".").and_plain(hint),
    ))
}

/// Tasks whose id, title or notes contain every word.
pub fn search(ctx: &Context<'_>, words: &[String]) -> Reply {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let hits = ctx.plan.search(&words);
    if hits.is_empty() {
        return Reply::message(
            Text::plain("No task mentions ").and_code(words.join(" ")).and_plain(". Try fewer words."),
        );
    }
    let title = Text::bold(format!("{} task{} matching ", hits.len(), if hits.len() == 1 { "" } else { "s" }))
        .and_code(words.join(" "));
    Reply::new(vec![Block::list(Some(title), hits.into_iter().map(|p| task_line(ctx.plan, p)).collect())])
}

/// The lint report, in the same `path:LINE: message` form as `planbot check`.
pub fn lint(ctx: &Context<'_>) -> Reply {
    let diagnostics = ctx.plan.lint();
    if diagnostics.is_empty() {
        return Reply::message(Text::plain("The plan is clean: no lint problems."));
    }
    let errors = diagnostics.iter().filter(|d| d.severity == planbot_domain::plan::Severity::Error).count();
    let title = Text::bold(format!(
        "{errors} error{}, {} warning{}",
        plural(errors),
        diagnostics.len() - errors,
        plural(diagnostics.len() - errors)
    ));
    let items = diagnostics.iter().map(|d| Text::default().and_code(d.render(ctx.paths()))).collect();
    Reply::new(vec![Block::list(Some(title), items)])
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
