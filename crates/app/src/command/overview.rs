//! Whole-plan views: `status`, `blockers`, `milestones`.

use std::collections::BTreeMap;

use super::Context;
use crate::views::task_line;
use planbot_domain::plan::{Plan, Status};
use planbot_reply::{Block, Reply, Text};

const BAR_WIDTH: usize = 20;

/// Counts by status, a progress bar and the open high-priority tasks.
pub fn overview(ctx: &Context<'_>) -> Reply {
    let plan = ctx.plan;
    let total = plan.tasks().len();
    let mut counts: BTreeMap<Option<Status>, usize> = BTreeMap::new();
    for task in plan.tasks() {
        *counts.entry(task.status()).or_default() += 1;
    }
    let completed = counts.get(&Some(Status::Completed)).copied().unwrap_or(0);
    // Known statuses in lifecycle order, anything unreadable last.
    let unreadable = counts.remove(&None);
    let counts: Vec<(Option<Status>, usize)> = counts.into_iter().chain(unreadable.map(|n| (None, n))).collect();
    let mut blocks = vec![
        Block::Heading(Text::bold(format!("Plan status · {total} tasks"))),
        Block::Paragraph(Text::plain(progress_bar(completed, total))),
        Block::Fields(
            counts
                .iter()
                .map(|(status, count)| {
                    let label = status.map_or("unrecognised".to_owned(), |s| s.canonical().to_owned());
                    (label, Text::default().and_status(*status).and_plain(format!(" {count}")))
                })
                .collect(),
        ),
    ];
    let urgent: Vec<Text> = plan
        .tasks()
        .iter()
        .enumerate()
        .filter(|(_, task)| task.is_open() && task.priority.is_high())
        .map(|(position, _)| task_line(plan, position))
        .collect();
    if !urgent.is_empty() {
        blocks.push(Block::list(Some(Text::bold(format!("Open high-priority tasks ({})", urgent.len()))), urgent));
    }
    Reply::new(blocks)
}

fn progress_bar(done: usize, total: usize) -> String {
    let filled = (done * BAR_WIDTH).checked_div(total).unwrap_or(0);
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    format!("{}{} {percent}% completed ({done} of {total})", "█".repeat(filled), "░".repeat(BAR_WIDTH - filled))
}

/// Tasks marked blocked, and started tasks still waiting on unfinished work.
pub fn blockers(ctx: &Context<'_>) -> Reply {
    let plan = ctx.plan;
    let waiting_line = |position: usize| {
        let unmet = plan.unmet_dependencies(position);
        let line = task_line(plan, position);
        if unmet.is_empty() { line } else { line.and_plain(" — waits on ").and_plain(unmet.join(", ")) }
    };
    let tasks_where = |keep: &dyn Fn(usize) -> bool| -> Vec<Text> {
        (0..plan.tasks().len()).filter(|&p| keep(p)).map(waiting_line).collect()
    };
    let blocked = tasks_where(&|p| plan.tasks()[p].status() == Some(Status::Blocked));
    let stalled = tasks_where(&|p| {
        plan.tasks()[p].status() == Some(Status::InProgress) && !plan.unmet_dependencies(p).is_empty()
    });
    if blocked.is_empty() && stalled.is_empty() {
        return Reply::message(Text::plain("Nothing is blocked, and no started task waits on unfinished work."));
    }
    let mut blocks = vec![Block::Heading(Text::bold("Blockers"))];
    if !blocked.is_empty() {
        blocks.push(Block::list(Some(Text::bold(format!("Blocked ({})", blocked.len()))), blocked));
    }
    if !stalled.is_empty() {
        let title = Text::bold(format!("Started, waiting on unfinished dependencies ({})", stalled.len()));
        blocks.push(Block::list(Some(title), stalled));
    }
    Reply::new(blocks)
}

/// Each milestone with its target and the days left or overdue.
pub fn milestones(ctx: &Context<'_>) -> Reply {
    let plan: &Plan = ctx.plan;
    if plan.milestones().is_empty() {
        let hint = "No milestones found in the Markdown plan. Add a table with ID, Milestone and Target columns, or bullets like ";
        return Reply::message(Text::plain(hint).and_code("- M1 (2025-09-26 → 2025-09-27): title"));
    }
    let mut milestones: Vec<_> = plan.milestones().iter().collect();
    milestones.sort_by_key(|m| (m.target.is_none(), m.target));
    let items = milestones
        .into_iter()
        .map(|m| {
            let when = match (m.target, m.days_left(ctx.today)) {
                (Some(target), Some(days)) => format!("target {target} · {}", describe_days(days)),
                _ => "no target date".to_owned(),
            };
            let owner = m.owner.as_deref().map(|o| format!(" · {o}")).unwrap_or_default();
            Text::bold(m.id.clone()).and_plain(format!(" {} — {when}{owner}", m.title))
        })
        .collect();
    Reply::new(vec![Block::Heading(Text::bold("Milestones")), Block::list(None, items)])
}

fn describe_days(days: i64) -> String {
    match days {
        0 => "due today".to_owned(),
        1 => "1 day left".to_owned(),
        -1 => "1 day overdue".to_owned(),
        d if d > 0 => format!("{d} days left"),
        d => format!("{} days overdue", -d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_bar_is_proportional() {
        assert_eq!(progress_bar(5, 20), format!("{}{} 25% completed (5 of 20)", "█".repeat(5), "░".repeat(15)));
        assert!(progress_bar(0, 0).contains("0% completed (0 of 0)"));
    }

    #[test]
    fn days_read_naturally() {
        assert_eq!(describe_days(-3), "3 days overdue");
        assert_eq!(describe_days(1), "1 day left");
        assert_eq!(describe_days(0), "due today");
    }
}
