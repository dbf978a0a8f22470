//! `forecast`: when the open work finishes at the team's own pace, for
//! the whole plan and each phase, and what each date is based on.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Context;
use planbot_domain::plan::Plan;
use planbot_domain::plan::forecast::{Forecaster, Outlook, PACE_WEEKS, Pace, Risk, milestone_tasks};
use planbot_reply::{Block, Reply, Text};

/// The whole plan, its critical path, the open milestones and the phases.
pub fn forecast(ctx: &Context<'_>) -> Reply {
    let plan = ctx.plan;
    let mut forecaster = Forecaster::new(plan, ctx.today);
    let whole = forecaster.whole_plan();
    let mut blocks = vec![Block::Heading(Text::bold("Forecast at the team's own pace"))];
    blocks.push(Block::Paragraph(pace_line(forecaster.pace(), ctx.today)));
    blocks.push(Block::Paragraph(Text::bold("Whole plan: ").and_plain(outlook_line(&whole))));
    if !whole.critical_path.is_empty() && whole.critical_hours > 0.0 {
        let ids: Vec<&str> = whole.critical_path.iter().map(|&t| plan.tasks()[t].id.as_str()).collect();
        blocks.push(Block::Note(Text::plain(format!(
            "Critical path {} h: {}. No date comes before that chain is done, however many people help.",
            hours(whole.critical_hours),
            ids.join(" → ")
        ))));
    }
    let (milestones, untold) = milestone_items(plan, &mut forecaster, false);
    if !milestones.is_empty() {
        blocks.push(Block::list(Some(Text::bold("Milestones")), milestones));
    }
    if untold > 0 {
        blocks.push(Block::Note(Text::plain(format!(
            "{untold} open {} no tasks (no phase of that id or title, no task ids in the notes, no section whose \
             target names it), so {} not forecast.",
            if untold == 1 { "milestone names" } else { "milestones name" },
            if untold == 1 { "it is" } else { "they are" }
        ))));
    }
    blocks.extend(phase_list(plan, &mut forecaster));
    Reply::new(blocks)
}

/// Each phase with open work, latest to finish at the slowest pace first
/// (work that never finishes at that pace before all).
fn phase_list(plan: &Plan, forecaster: &mut Forecaster<'_>) -> Option<Block> {
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
    by_phase.sort_by(|(_, a), (_, b)| {
        let key = |o: &Outlook| (matches!(o.finish, Some((_, None))), o.finish.and_then(|(_, slow)| slow));
        key(b).cmp(&key(a)).then(b.hours().total_cmp(&a.hours()))
    });
    let items: Vec<Text> = by_phase
        .iter()
        .map(|(phase, outlook)| Text::bold(*phase).and_plain(format!(": {}", outlook_line(outlook))))
        .collect();
    (!items.is_empty()).then(|| Block::list(Some(Text::bold("By phase")), items))
}

/// The digest's forecast: the whole plan's finish range and the open
/// milestones it puts at risk, with what the dates are based on.
pub fn digest_blocks(plan: &Plan, today: NaiveDate) -> Vec<Block> {
    let mut forecaster = Forecaster::new(plan, today);
    let whole = forecaster.whole_plan();
    if whole.open_tasks == 0 {
        return Vec::new();
    }
    // Without a pace there is no date to give: `/plan forecast` says why.
    let Some(pace) = forecaster.pace().filter(|pace| pace.fastest() > 0.0) else { return Vec::new() };
    let weeks = pace.weekly_hours.len();
    let basis = match (weeks, hours(pace.slowest()), hours(pace.fastest())) {
        (1, _, fastest) => format!("at {fastest} h a week, the pace of the one week of history"),
        (_, slowest, fastest) if slowest == fastest => {
            format!("at {fastest} h a week in each of the last {weeks} weeks")
        }
        (_, slowest, fastest) => {
            format!("at {slowest}–{fastest} h a week, the slowest and fastest of the last {weeks} weeks")
        }
    };
    let basis = format!("{basis}: estimated hours completed, by completion date; `/plan forecast` shows each phase");
    let mut items = vec![Text::bold("Whole plan: ").and_plain(format!("{} ({basis})", outlook_line(&whole)))];
    items.extend(milestone_items(plan, &mut forecaster, true).0);
    vec![Block::list(Some(Text::bold("Forecast")), items)]
}

/// Each open milestone whose tasks can be told (only those at risk or
/// late when `risky_only`), with a flag when its finish range ends after
/// its target; and how many open milestones name no tasks.
fn milestone_items(plan: &Plan, forecaster: &mut Forecaster<'_>, risky_only: bool) -> (Vec<Text>, usize) {
    let mut items = Vec::new();
    let mut untold = 0;
    for milestone in plan.milestones().iter().filter(|milestone| milestone.done.is_none()) {
        let tasks = milestone_tasks(plan, milestone);
        if tasks.is_empty() {
            untold += 1;
            continue;
        }
        let outlook = forecaster.outlook(&tasks);
        let risk = milestone.target.and_then(|target| outlook.risk(target));
        let flag = match risk {
            Some(Risk::Late) => " ⚠️ late: after its target even at the fastest week's pace",
            Some(Risk::AtRisk) => " ⚠️ at risk: after its target at the slowest week's pace",
            Some(Risk::OnTrack) | None if risky_only => continue,
            Some(Risk::OnTrack) | None => "",
        };
        let target = milestone.target.map_or_else(|| "no target".to_owned(), |target| format!("target {target}"));
        items.push(Text::bold(milestone.id.as_str()).and_plain(format!(
            " {} ({target}): {}{flag}",
            milestone.title,
            outlook_line(&outlook)
        )));
    }
    (items, untold)
}

/// What every date in the answer is based on.
fn pace_line(pace: Option<&Pace>, today: NaiveDate) -> Text {
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
        format!("Dates below run from the fastest of those weeks to the slowest; today is {today}.")
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

#[cfg(test)]
mod tests {
    use super::*;
    use planbot_domain::plan::REQUIRED_COLUMNS;
    use planbot_reply::{Reply, render_text};

    #[test]
    fn the_digest_lists_only_the_milestones_the_pace_puts_at_risk() {
        let rows = [
            "A-1,build,a,x,completed,,,14,2026-11-30,,,,",
            "B-1,ship,b,y,todo,,,14,,,,,",
            "C-1,docs,c,z,todo,,,7,,,,,",
        ];
        let csv = format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n"));
        let milestones = "| ID | Milestone | Owner | Start | Target | Notes |\n|---|---|---|---|---|---|\n\
            | M1 | Ship | y | 2026-11-01 | 2026-12-10 | |\n| M2 | Docs | z | 2026-11-01 | 2026-12-31 | |\n";
        let plan = Plan::parse(csv, Some(milestones)).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let shown = render_text(&Reply::new(digest_blocks(&plan, today)));
        // 14 h a week, one week of history: 21 h open is 10.5 days, so 11.
        assert!(shown.contains("Whole plan: 21 h open in 2 tasks → done by 2026-12-14 (at 14 h a week"), "{shown}");
        // M1 (`ship`): 14 h is 7 days, 2026-12-10, on its target: not listed. M2 likewise.
        assert!(!shown.contains("M1") && !shown.contains("M2"), "{shown}");
        let late = Plan::parse(
            format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n")).replace(",14,,", ",15,,"),
            Some(milestones),
        )
        .unwrap();
        let shown = render_text(&Reply::new(digest_blocks(&late, today)));
        // 15 h at 14 h a week is 7.5 days, so 8: 2026-12-11, a day late.
        assert!(
            shown.contains("M1 Ship (target 2026-12-10): 15 h open in 1 task → done by 2026-12-11 ⚠️ late"),
            "{shown}"
        );
        assert!(!shown.contains("M2"), "{shown}");
    }
}
