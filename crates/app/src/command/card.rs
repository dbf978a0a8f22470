//! `status ID` and `deps ID`: one task, and what it waits on.

use super::Context;
use crate::views::{card_buttons, task_line};
use chrono::NaiveDate;
use planbot_domain::plan::{Cell, Plan, Section, Task, TaskForm, TaskId, age};
use planbot_reply::{Block, Reply, Span, Text, echo};

/// The task card: everything a person needs to act on one task.
pub fn task_card(ctx: &Context<'_>, typed: &str) -> Reply {
    let plan = ctx.plan;
    let Some(position) = find_task(plan, typed) else {
        return missing_task(plan, typed);
    };
    let task = &plan.tasks()[position];
    let mut blocks = vec![
        Block::Heading(Text::default().and_status(task.status()).and_plain(" ").and_bold(format!(
            "{} · {}",
            task.id,
            task.title()
        ))),
        Block::Fields(match plan.markdown_task(task) {
            Some(section) => markdown_fields(task, section, ctx.today),
            None => card_fields(task),
        }),
    ];
    let mut depends_on: Vec<Text> = plan.dependencies_of(position).iter().map(|&d| task_line(plan, d)).collect();
    let unknown = plan.unknown_dependencies_of(position);
    depends_on.extend(unknown.map(|id| Text::plain(format!("{id} (not in the plan)"))));
    if !depends_on.is_empty() {
        blocks.push(Block::list(Some(Text::bold("Depends on")), depends_on));
    }
    let unblocks: Vec<Text> = plan.dependents_of(position).iter().map(|&d| task_line(plan, d)).collect();
    if !unblocks.is_empty() {
        blocks.push(Block::list(Some(Text::bold("Unblocks")), unblocks));
    }
    if let Some(section) = plan.markdown_task(task) {
        blocks.extend(markdown_details(section));
    }
    // A Markdown section's notes are its status line; its verification
    // is its acceptance criteria.
    let (notes, verification) = match task.form {
        TaskForm::Csv => ("Notes", "Verification"),
        TaskForm::Markdown => ("Latest status", "Acceptance"),
    };
    for (label, value) in [(notes, task.notes()), (verification, task.verification()), ("Artifacts", task.artifacts())]
    {
        if !value.is_empty() {
            blocks.push(Block::Paragraph(Text::bold(label).and_plain(format!("\n{value}"))));
        }
    }
    blocks.push(Block::Note(Text::plain(ctx.place_of(task))));
    if ctx.writable {
        blocks.push(Block::Buttons(card_buttons(task)));
    }
    Reply::new(blocks)
}

/// A Markdown section has no priority, estimate or phase: its card shows
/// what the section does say.
fn markdown_fields(task: &Task, section: Section<'_>, today: NaiveDate) -> Vec<(String, Text)> {
    let target = match section.target() {
        Cell::Valid(target) if *target < today && task.is_open() => {
            format!("{target} ({} ago)", age((today - *target).num_days()))
        }
        Cell::Valid(target) => target.to_string(),
        Cell::Invalid(raw) => format!("{raw} (not a date)"),
        Cell::Empty => "—".to_owned(),
    };
    let updated = match section.status().map(|status| (status.date, status.by)) {
        Some((Cell::Valid(date), Some(by))) => format!("{date} by {by}"),
        Some((Cell::Valid(date), None)) => date.to_string(),
        _ => "—".to_owned(),
    };
    let owners: Vec<&str> = section.owners().collect();
    let owners = if owners.is_empty() { "—".to_owned() } else { owners.join(", ") };
    vec![
        ("Status".to_owned(), Text::plain(task.status_label())),
        ("Owners".to_owned(), Text::plain(owners)),
        ("Target".to_owned(), Text::plain(target)),
        ("Status updated".to_owned(), Text::plain(updated)),
    ]
}

/// The steps of a Markdown section, and the prerequisites that are no task.
fn markdown_details(section: Section<'_>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let steps: Vec<Text> = section.steps().map(Text::plain).collect();
    if !steps.is_empty() {
        blocks.push(Block::list(Some(Text::bold("Steps")), steps));
    }
    if let Some(prerequisites) = section.prerequisites().filter(|p| !p.trim().is_empty()) {
        blocks.push(Block::Paragraph(Text::bold("Prerequisites").and_plain(format!("\n{prerequisites}"))));
    }
    blocks
}

fn card_fields(task: &Task) -> Vec<(String, Text)> {
    let or_dash = |value: &str| if value.is_empty() { "—".to_owned() } else { value.to_owned() };
    let estimate = match &task.estimated_hours {
        Cell::Valid(hours) => format!("{hours} h"),
        Cell::Invalid(raw) => format!("{raw} (not a number)"),
        Cell::Empty => "—".to_owned(),
    };
    let completed = match &task.completion_date {
        Cell::Valid(date) => date.to_string(),
        Cell::Invalid(raw) => format!("{raw} (not a date)"),
        Cell::Empty => "—".to_owned(),
    };
    vec![
        ("Status".to_owned(), Text::plain(task.status_label())),
        ("Owner".to_owned(), Text::plain(or_dash(task.owner()))),
        ("Priority".to_owned(), Text::plain(task.priority.to_string())),
        ("Estimate".to_owned(), Text::plain(estimate)),
        ("Completed".to_owned(), Text::plain(completed)),
        ("Phase".to_owned(), Text::plain(or_dash(task.phase()))),
    ]
}

/// The dependency chain of a task and its critical path.
pub fn dependencies(ctx: &Context<'_>, typed: &str) -> Reply {
    let plan = ctx.plan;
    let Some(position) = find_task(plan, typed) else {
        return missing_task(plan, typed);
    };
    let task = &plan.tasks()[position];
    let chain: Vec<Text> =
        plan.dependency_tree(position).into_iter().map(|(dep, depth)| indent(task_line(plan, dep), depth)).collect();
    let heading = Block::Heading(Text::plain("Dependencies of ").and_bold(format!("{} · {}", task.id, task.title())));
    if chain.is_empty() {
        return Reply::new(vec![
            heading,
            Block::Paragraph(Text::plain("It depends on nothing: it can start any time.")),
        ]);
    }
    let critical = plan.critical_path(position);
    let path: Vec<&str> = critical.tasks.iter().map(|&t| plan.tasks()[t].id.as_str()).collect();
    let summary = if task.is_done() {
        Text::plain("Completed: nothing left on its path.")
    } else {
        // Without estimates (a Markdown plan has none) there is no sum to give.
        let estimated = critical.tasks.iter().any(|&t| plan.tasks()[t].estimated_hours.valid().is_some());
        let hours = if estimated { format!(" ({} h of open work)", critical.hours) } else { String::new() };
        Text::bold("Critical path").and_plain(format!("{hours}: {}", path.join(" → ")))
    };
    Reply::new(vec![heading, Block::list(None, chain), Block::Paragraph(summary)])
}

/// Direct dependencies flush left, deeper ones under an arrow. Em spaces,
/// because Slack collapses runs of ordinary ones.
fn indent(line: Text, depth: usize) -> Text {
    if depth <= 1 {
        return line;
    }
    let mut spans = vec![Span::Plain(format!("{}↳ ", "\u{2003}".repeat(depth - 2)))];
    spans.extend(line.0);
    Text(spans)
}

pub(crate) fn find_task(plan: &Plan, typed: &str) -> Option<usize> {
    typed.parse::<TaskId>().ok().and_then(|id| plan.position(&id))
}

/// "No such task" with the closest ids, so a typo costs one more try.
pub fn missing_task(plan: &Plan, typed: &str) -> Reply {
    let suggestions = plan.suggest_ids(typed);
    let mut text = Text::plain("I can't find task ").and_code(echo(typed)).and_plain(" in the plan.");
    if suggestions.is_empty() {
        text = text.and_plain(" Try ").and_code(format!("/plan search {}", echo(typed))).and_plain(".");
        return Reply::message(text).refusal();
    }
    let items =
        suggestions.into_iter().filter_map(|id| plan.position(id)).map(|position| task_line(plan, position)).collect();
    Reply::new(vec![Block::Paragraph(text), Block::list(Some(Text::plain("Did you mean:")), items)]).refusal()
}
