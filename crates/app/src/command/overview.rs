//! Whole-plan views: `status`, `blockers`, `milestones`.

use std::collections::BTreeMap;

use super::Context;
use crate::blockers::BlockerReport;
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

/// Tasks marked blocked, and started tasks still waiting on unfinished
/// work, with who can unblock each: the people, by name, when the standup
/// runs and knows them (with how long each has been blocked and whether it
/// stalled); the owner roles otherwise.
pub fn blockers(ctx: &Context<'_>, report: Option<&BlockerReport>) -> Reply {
    let plan = ctx.plan;
    let waiting_line = |position: usize| {
        let unmet = plan.unmet_dependencies(position);
        let mut line = task_line(plan, position);
        if !unmet.is_empty() {
            line = line.and_plain(" — waits on ").and_plain(unmet.join(", "));
        }
        let known = report.and_then(|r| r.row(position).map(|row| (r, row)));
        if let Some((report, _)) = known {
            line = line.and_plain(report.note(position));
        }
        if known.is_some_and(|(_, row)| !row.ask.is_empty()) {
            // The note names the people.
            return line;
        }
        let ask = plan.who_can_unblock(position);
        if ask.is_empty() { line } else { line.and_plain(" · ask ").and_plain(ask.join(", ")) }
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
            let standing = m.standing(ctx.today);
            let when = match m.target {
                Some(target) if m.done.is_none() && !standing.starts_with("overdue") => {
                    format!("target {target} · {standing}")
                }
                _ => standing,
            };
            let owner = m.owner.as_deref().map(|o| format!(" · {o}")).unwrap_or_default();
            let mark = if m.done.is_some() {
                "✅ "
            } else if m.is_overdue(ctx.today) {
                "⚠️ "
            } else {
                ""
            };
            Text::plain(mark).and_bold(m.id.clone()).and_plain(format!(" {} — {when}{owner}", m.title))
        })
        .collect();
    let mut blocks = vec![Block::Heading(Text::bold("Milestones")), Block::list(None, items)];
    if ctx.writable && plan.milestones().iter().any(|m| m.done.is_none()) {
        blocks.push(Block::Note(
            Text::plain("Editors close one with ").and_code("/plan milestone M1 done").and_plain("."),
        ));
    }
    Reply::new(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_bar_is_proportional() {
        assert_eq!(progress_bar(5, 20), format!("{}{} 25% completed (5 of 20)", "█".repeat(5), "░".repeat(15)));
        assert!(progress_bar(0, 0).contains("0% completed (0 of 0)"));
    }
}
