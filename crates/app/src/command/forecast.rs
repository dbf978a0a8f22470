//! `forecast`: when the open work finishes at the team's own pace, for
//! the whole plan and each phase, and what each date is based on.

use std::collections::BTreeMap;

use super::Context;
use planbot_domain::plan::forecast::{Forecaster, Outlook, PACE_WEEKS, Pace, Risk, milestone_tasks};
use planbot_reply::{Block, Reply, Text};

/// A phase with no open work is left out; the rest are listed by the day
/// they finish at the slowest pace, latest first.
pub fn forecast(ctx: &Context<'_>) -> Reply {
    let plan = ctx.plan;
    let mut forecaster = Forecaster::new(plan, ctx.today);
    let everything: Vec<usize> = (0..plan.tasks().len()).collect();
    let whole = forecaster.outlook(&everything);
    let mut blocks = vec![Block::Heading(Text::bold("Forecast at the team's own pace"))];
    blocks.push(Block::Paragraph(pace_line(forecaster.pace(), ctx)));
    blocks.push(Block::Paragraph(Text::bold("Whole plan: ").and_plain(outlook_line(&whole))));
    if !whole.critical_path.is_empty() && whole.critical_hours > 0.0 {
        let ids: Vec<&str> = whole.critical_path.iter().map(|&t| plan.tasks()[t].id.as_str()).collect();
        blocks.push(Block::Note(Text::plain(format!(
            "Critical path {} h: {}. No date comes before that chain is done, however many people help.",
            hours(whole.critical_hours),
            ids.join(" → ")
        ))));
    }
    blocks.extend(milestones_block(ctx, &mut forecaster));
    let mut phases: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (position, task) in plan.tasks().iter().enumerate() {
        phases.entry(task.phase()).or_default().push(position);
    }
    let mut by_phase: Vec<(&str, Outlook)> = phases
        .into_iter()
        .filter(|(phase, _)| !phase.is_empty())
        .map(|(phase, tasks)| (phase, forecaster.outlook(&tasks)))
        .filter(|(_, outlook)| outlook.open_tasks > 0)
        .collect();
    // Work that never finishes at the slowest pace first, then the latest.
    by_phase.sort_by(|(_, a), (_, b)| {
        let key = |o: &Outlook| (matches!(o.finish, Some((_, None))), o.finish.and_then(|(_, slow)| slow));
        key(b).cmp(&key(a)).then(b.hours().total_cmp(&a.hours()))
    });
    if !by_phase.is_empty() {
        let items = by_phase
            .iter()
            .map(|(phase, outlook)| Text::bold(*phase).and_plain(format!(": {}", outlook_line(outlook))));
        blocks.push(Block::list(Some(Text::bold("By phase")), items.collect()));
    }
    Reply::new(blocks)
}

/// Each open milestone whose tasks can be told, with a flag when its
/// finish range ends after its target; a count of those that cannot.
fn milestones_block(ctx: &Context<'_>, forecaster: &mut Forecaster<'_>) -> Vec<Block> {
    let open: Vec<_> = ctx.plan.milestones().iter().filter(|milestone| milestone.done.is_none()).collect();
    let mut items = Vec::new();
    let mut untold = 0;
    for milestone in &open {
        let tasks = milestone_tasks(ctx.plan, milestone);
        if tasks.is_empty() {
            untold += 1;
            continue;
        }
        let outlook = forecaster.outlook(&tasks);
        let target = milestone.target.map_or_else(|| "no target".to_owned(), |target| format!("target {target}"));
        let flag = match milestone.target.and_then(|target| outlook.risk(target)) {
            Some(Risk::Late) => " ⚠️ late: after its target even at the fastest week's pace",
            Some(Risk::AtRisk) => " ⚠️ at risk: after its target at the slowest week's pace",
            Some(Risk::OnTrack) | None => "",
        };
        items.push(Text::bold(milestone.id.as_str()).and_plain(format!(
            " {} ({target}): {}{flag}",
            milestone.title,
            outlook_line(&outlook)
        )));
    }
    let mut blocks = Vec::new();
    if !items.is_empty() {
        blocks.push(Block::list(Some(Text::bold("Milestones")), items));
    }
    if untold > 0 {
        blocks.push(Block::Note(Text::plain(format!(
            "{untold} open {} no tasks (no phase of that id or title, no task ids in the notes, no section whose \
             target names it), so {} not forecast.",
            if untold == 1 { "milestone names" } else { "milestones name" },
            if untold == 1 { "it is" } else { "they are" }
        ))));
    }
    blocks
}

/// What every date in the answer is based on.
fn pace_line(pace: Option<&Pace>, ctx: &Context<'_>) -> Text {
    let Some(pace) = pace else {
        return Text::plain(
            "No completed task has both a completion date and an estimate yet, so there is no pace to forecast \
             from: the open hours are below, without dates. Completion dates and `estimated_hours` in the plan \
             are what the forecast reads.",
        );
    };
    let weeks: Vec<String> = pace.weekly_hours.iter().map(|h| format!("{} h", hours(*h))).collect();
    let span = if pace.full() {
        format!("the last {PACE_WEEKS} weeks")
    } else {
        format!(
            "only {} week{} (the plan's first completion is recent; the pace firms up as weeks pass)",
            pace.weekly_hours.len(),
            if pace.weekly_hours.len() == 1 { "" } else { "s" }
        )
    };
    let dates = if pace.fastest() > 0.0 {
        format!("Dates below run from the fastest of those weeks to the slowest; today is {}.", ctx.today)
    } else {
        "Nothing with an estimate was completed in those weeks, so no finish date can be given: the open hours \
         are below."
            .to_owned()
    };
    Text::plain(format!(
        "Pace: {} completed per week, oldest first, over {span}: the estimated hours of tasks completed since {}, by \
         their completion dates. {dates}",
        weeks.join(", "),
        pace.since,
    ))
}

fn outlook_line(outlook: &Outlook) -> String {
    let mut line = format!(
        "{} h open in {} task{}",
        hours(outlook.open_hours),
        outlook.open_tasks,
        if outlook.open_tasks == 1 { "" } else { "s" }
    );
    if outlook.unestimated > 0 {
        line.push_str(&format!(" ({} without an estimate, counted as 0 h)", outlook.unestimated));
    }
    if outlook.critical_hours > outlook.open_hours {
        line.push_str(&format!("; it waits on a {} h chain of open work", hours(outlook.critical_hours)));
    }
    match outlook.finish {
        Some((fast, Some(slow))) if fast == slow => line.push_str(&format!(" → done by {fast}")),
        Some((fast, Some(slow))) => line.push_str(&format!(" → done between {fast} and {slow}")),
        Some((fast, None)) => {
            line.push_str(&format!(" → done by {fast} at the fastest week's pace; at the slowest (0 h) never"))
        }
        None => {}
    }
    line
}

/// Hours without a trailing `.0`.
fn hours(value: f64) -> String {
    if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") }
}
