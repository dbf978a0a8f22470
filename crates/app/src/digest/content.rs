//! What the Monday digest says, from the plan, planbot's daily snapshots
//! of it and its own records. Pure: the same inputs give the same digest,
//! which is what the golden tests pin down.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};

use super::chart::ChartData;
use crate::blockers::BlockerReport;
use crate::views::{plural, task_line};
use planbot_domain::plan::{Milestone, Plan, Priority, Status, TaskId};
use planbot_reply::{Block, Chart, ColumnKind, Reply, Table, Text};

/// The chart covers eight weeks.
pub const HISTORY_DAYS: i64 = 56;
/// Milestones due this soon are listed.
const DUE_SOON_DAYS: i64 = 14;
/// The statuses the chart draws (open work).
const CHARTED: [Status; 3] = [Status::Todo, Status::InProgress, Status::Blocked];

pub use crate::history::{Snapshot, snapshot_text};

/// What planbot's own records add to the plan.
#[derive(Debug, Clone, Default)]
pub struct WeekFacts {
    /// Who completed a task through planbot last week, by task.
    pub completed_by: HashMap<TaskId, String>,
    /// Standup answers last week: name, answers, standup days.
    pub participation: Vec<(String, usize, usize)>,
    /// Edits still waiting or failed, as one line each.
    pub edits_waiting: Vec<String>,
    /// The blockers' stalls and who can move them, when the standup runs.
    pub blockers: Option<crate::blockers::BlockerReport>,
}

/// The chart's title, in the message and on the PNG.
pub const CHART_TITLE: &str = "Open tasks by status, last 8 weeks";
/// Under this much history the trend is told in words, not drawn.
const TREND_MIN_DAYS: i64 = 7;

pub struct Digest {
    pub week: NaiveDate,
    pub headline: String,
    /// The channel message: the week in brief, the trend, the status counts.
    pub reply: Reply,
    /// Replies in its thread, one table each (Slack allows one a message):
    /// the blocked tasks, the milestones that need the meeting.
    pub thread: Vec<Reply>,
    /// The daily counts the PNG chart draws (the fallback).
    pub chart: ChartData,
    /// Whether there is a week of history to draw.
    pub has_trend: bool,
}

impl Digest {
    /// The whole digest as one reply (`/plan digest`, `planbot digest`).
    pub fn preview(&self) -> Reply {
        let mut blocks = self.reply.blocks.clone();
        blocks.extend(self.thread.iter().flat_map(|reply| reply.blocks.iter().cloned()));
        Reply::new(blocks)
    }
}

/// Builds the digest for the week starting `today` (a Monday, normally).
pub fn build(plan: &Plan, today: NaiveDate, history: &[Snapshot], facts: &WeekFacts, late: bool) -> Digest {
    let now_counts = counts(plan);
    let week_ago = history.iter().rev().find(|s| s.day <= today - Duration::days(7));
    let completed = completed_last_week(plan, today);
    let blocked = blocked_tasks(plan, today, history, week_ago);
    let open: u32 = CHARTED.iter().map(|s| now_counts.get(s).unwrap_or(&0)).sum();
    let headline = format!(
        "{open} open · {} completed last week · {} blocked",
        completed.len(),
        now_counts.get(&Status::Blocked).unwrap_or(&0)
    );
    let mut title = format!("Weekly digest · {}", today.format("%a %-d %b"));
    if late {
        title.push_str(" (late: planbot was down at the scheduled time)");
    }
    let mut thread: Vec<Reply> = Vec::new();
    let report = facts.blockers.as_ref();
    thread.extend(blocked_table(plan, &blocked, week_ago.is_some(), report).map(|t| Reply::new(vec![Block::Table(t)])));
    thread.extend(milestone_table(plan, today).map(|t| Reply::new(vec![Block::Table(t)])));
    let mut blocks = vec![Block::Heading(Text::plain(title)), Block::Paragraph(Text::bold(&headline))];
    let has_trend = history_days(history, today) >= TREND_MIN_DAYS;
    blocks.push(trend_block(plan, today, history, has_trend));
    blocks.extend(completed_section(plan, &completed, facts));
    blocks.extend(thread_pointer(&blocked, plan, today));
    blocks.extend(crate::command::forecast::digest_blocks(plan, today));
    blocks.extend(not_started_section(plan));
    blocks.extend(participation_section(facts));
    if !facts.edits_waiting.is_empty() {
        let items = facts.edits_waiting.iter().map(Text::plain).collect();
        blocks.push(Block::list(Some(Text::bold("Edits not written yet")), items));
    }
    // Last: Slack shows a message's table below its other blocks anyway.
    blocks.push(Block::Table(status_table(&now_counts, week_ago)));
    Digest {
        week: today,
        headline,
        reply: Reply::new(blocks),
        thread,
        chart: chart_data(plan, today, history),
        has_trend,
    }
}

fn counts(plan: &Plan) -> HashMap<Status, u32> {
    let mut counts = HashMap::new();
    for status in plan.tasks().iter().filter_map(|t| t.status()) {
        *counts.entry(status).or_insert(0) += 1;
    }
    counts
}

fn status_table(now: &HashMap<Status, u32>, week_ago: Option<&Snapshot>) -> Table {
    let before = week_ago.map(Snapshot::counts);
    let mut columns = vec![("Status".to_owned(), ColumnKind::Words), ("Tasks".to_owned(), ColumnKind::Number)];
    if before.is_some() {
        columns.push(("On last week".to_owned(), ColumnKind::Number));
    }
    let rows = Status::ALL
        .iter()
        .map(|status| {
            let count = *now.get(status).unwrap_or(&0);
            let mut row = vec![status.canonical().to_owned(), count.to_string()];
            if let Some(before) = &before {
                let delta = i64::from(count) - i64::from(*before.get(status).unwrap_or(&0));
                row.push(if delta == 0 { "=".to_owned() } else { format!("{delta:+}") });
            }
            row
        })
        .collect();
    Table::new(Some(Text::bold("Tasks by status")), columns, rows)
}

fn completed_last_week(plan: &Plan, today: NaiveDate) -> Vec<usize> {
    let since = today - Duration::days(7);
    (0..plan.tasks().len())
        .filter(|&i| {
            let task = &plan.tasks()[i];
            task.is_done() && task.completion_date.valid().is_some_and(|d| since <= d && d < today)
        })
        .collect()
}

fn completed_section(plan: &Plan, completed: &[usize], facts: &WeekFacts) -> Option<Block> {
    if completed.is_empty() {
        return None;
    }
    let items = completed
        .iter()
        .map(|&i| {
            let task = &plan.tasks()[i];
            let by = facts.completed_by.get(&task.id).cloned().unwrap_or_else(|| task.owner().to_owned());
            let line = task_line(plan, i);
            if by.is_empty() { line } else { line.and_plain(format!(" · by {by}")) }
        })
        .collect();
    Some(Block::list(Some(Text::bold("Completed last week")), items))
}

struct Blocked {
    position: usize,
    /// Days in a row the snapshots show it blocked, when they reach back.
    days: Option<i64>,
    new: bool,
}

fn blocked_tasks(plan: &Plan, today: NaiveDate, history: &[Snapshot], week_ago: Option<&Snapshot>) -> Vec<Blocked> {
    let was_blocked: HashSet<&str> = week_ago
        .map(|s| s.entries().filter(|(_, st)| *st == Some(Status::Blocked)).map(|(id, _)| id).collect())
        .unwrap_or_default();
    crate::blockers::blocked_tasks(plan, history, today)
        .into_iter()
        .map(|blocked| Blocked {
            position: blocked.position,
            days: blocked.days(today),
            new: week_ago.is_some() && !was_blocked.contains(plan.tasks()[blocked.position].id.as_str()),
        })
        .collect()
}

/// One row per blocked task: how long, on what, who to ask; whether it is
/// new since last week when a snapshot of last week allows telling, and
/// whether it stalled when the standup's blocker report is at hand.
fn blocked_table(plan: &Plan, blocked: &[Blocked], compared: bool, report: Option<&BlockerReport>) -> Option<Table> {
    if blocked.is_empty() {
        return None;
    }
    let mut ordered: Vec<&Blocked> = blocked.iter().collect();
    // Longest-blocked first: they are the meeting's first question.
    ordered.sort_by_key(|b| (std::cmp::Reverse(b.days.unwrap_or(0)), b.position));
    let words = |label: &str| (label.to_owned(), ColumnKind::Words);
    let mut columns = vec![words("Task"), words("Title"), words("Owner"), words("Blocked for")];
    if compared {
        columns.push(words("Since last week"));
    }
    if report.is_some() {
        columns.push(words("Stalled"));
    }
    columns.extend([words("Waits on"), words("Ask")]);
    let rows = ordered.into_iter().map(|b| blocked_row(plan, b, compared, report)).collect();
    Some(Table::new(Some(Text::bold(format!("Blocked ({})", blocked.len()))), columns, rows))
}

/// The cells of `blocked_table`'s columns for one task.
fn blocked_row(plan: &Plan, blocked: &Blocked, compared: bool, report: Option<&BlockerReport>) -> Vec<String> {
    let task = &plan.tasks()[blocked.position];
    let mut row = vec![
        task.id.to_string(),
        task.title().to_owned(),
        task.owner().to_owned(),
        blocked.days.map(|days| plural(days, "day")).unwrap_or_default(),
    ];
    if compared {
        row.push(if blocked.new { "newly blocked" } else { "still blocked" }.to_owned());
    }
    let known = report.and_then(|r| r.row(blocked.position));
    if report.is_some() {
        let stalled = known.and_then(|k| k.stall.as_ref());
        row.push(stalled.map(|s| format!("{} working days", s.working_days)).unwrap_or_default());
    }
    row.push(plan.unmet_dependencies(blocked.position).join(", "));
    let people: Vec<&str> = known.map(|k| k.ask.iter().map(|u| u.name.as_str()).collect()).unwrap_or_default();
    row.push(if people.is_empty() { plan.who_can_unblock(blocked.position).join(", ") } else { people.join(", ") });
    row
}

/// Open milestones past their target or due within 14 days, with their
/// days left (negative: overdue). Every one past its target counts,
/// however long ago: a milestone nobody closed is news every week until
/// someone does.
fn urgent_milestones(plan: &Plan, today: NaiveDate) -> impl Iterator<Item = (&Milestone, i64)> {
    plan.milestones()
        .iter()
        .filter(|m| m.done.is_none())
        .filter_map(move |m| m.days_left(today).filter(|left| *left <= DUE_SOON_DAYS).map(|left| (m, left)))
}

/// The urgent milestones, most urgent first.
fn milestone_table(plan: &Plan, today: NaiveDate) -> Option<Table> {
    let mut urgent: Vec<(&Milestone, i64)> = urgent_milestones(plan, today).collect();
    if urgent.is_empty() {
        return None;
    }
    urgent.sort_by_key(|(_, left)| *left);
    let columns = ["Milestone", "Title", "Target", "Standing"].map(|label| (label.to_owned(), ColumnKind::Words));
    let rows = urgent
        .into_iter()
        .map(|(m, _)| {
            let target = m.target.map(|t| t.to_string()).unwrap_or_default();
            vec![m.id.clone(), m.title.clone(), target, m.standing(today)]
        })
        .collect();
    Some(Table::new(Some(Text::bold("Milestones overdue or due in the next 14 days")), columns.to_vec(), rows))
}

/// What waits in the thread, so the channel message says it.
fn thread_pointer(blocked: &[Blocked], plan: &Plan, today: NaiveDate) -> Option<Block> {
    let new = blocked.iter().filter(|b| b.new).count();
    let milestones = urgent_milestones(plan, today).count();
    let mut parts = Vec::new();
    if !blocked.is_empty() {
        let new = if new > 0 { format!(" ({new} newly)") } else { String::new() };
        parts.push(format!("{} blocked{new}", blocked.len()));
    }
    if milestones > 0 {
        parts.push(format!("{} overdue or due soon", plural(milestones, "milestone")));
    }
    (!parts.is_empty())
        .then(|| Block::Paragraph(Text::plain(format!("{}: the tables are in the thread.", parts.join(" and ")))))
}

/// Days of history the snapshots cover before today.
fn history_days(history: &[Snapshot], today: NaiveDate) -> i64 {
    history.iter().map(|s| s.day).filter(|d| *d < today).min().map_or(0, |first| (today - first).num_days())
}

/// The trend as Slack's chart, or in words when there is under a week of
/// it (a line of two or three points says nothing).
fn trend_block(plan: &Plan, today: NaiveDate, history: &[Snapshot], has_trend: bool) -> Block {
    if !has_trend {
        let kept = history_days(history, today);
        let since = if kept == 0 {
            "planbot keeps a daily snapshot of the plan's statuses from today".to_owned()
        } else {
            format!("planbot has kept the plan's statuses for {} so far", plural(kept, "day"))
        };
        return Block::Note(Text::plain(format!(
            "Trend: under a week of history ({since}); the chart of open tasks starts once there is a week."
        )));
    }
    let weekly = weekly_counts(plan, today, history);
    let points = weekly.iter().map(|(day, _)| day.format("%-d %b").to_string()).collect();
    let series = CHARTED
        .iter()
        .map(|status| {
            let values = weekly.iter().map(|(_, counts)| *counts.get(status).unwrap_or(&0)).collect();
            (status.canonical().to_owned(), values)
        })
        .collect();
    Block::Chart(Chart::new(CHART_TITLE, points, series, ("Week", "Open tasks")))
}

/// The counts one, two, … eight weeks before today (each from the newest
/// snapshot of the week up to that day), then today's from the plan;
/// weeks before the first snapshot are left out.
fn weekly_counts(plan: &Plan, today: NaiveDate, history: &[Snapshot]) -> Vec<(NaiveDate, HashMap<Status, u32>)> {
    let weeks = HISTORY_DAYS / 7;
    let mut points: Vec<(NaiveDate, HashMap<Status, u32>)> = (1..=weeks)
        .rev()
        .filter_map(|back| {
            let day = today - Duration::days(7 * back);
            let snapshot = history.iter().rev().find(|s| s.day <= day && day - s.day < Duration::days(7))?;
            Some((day, snapshot.counts()))
        })
        .collect();
    points.push((today, counts(plan)));
    points
}

fn not_started_section(plan: &Plan) -> Option<Block> {
    let items: Vec<Text> = (0..plan.tasks().len())
        .filter(|&i| {
            let task = &plan.tasks()[i];
            task.status() == Some(Status::Todo) && task.priority == Priority::High
        })
        .map(|i| task_line(plan, i))
        .collect();
    (!items.is_empty()).then(|| Block::list(Some(Text::bold("High priority, not started")), items))
}

fn participation_section(facts: &WeekFacts) -> Option<Block> {
    if facts.participation.is_empty() {
        return None;
    }
    let items = facts
        .participation
        .iter()
        .map(|(name, answered, days)| Text::plain(format!("{name}: {answered} of {days}")))
        .collect();
    Some(Block::list(Some(Text::bold("Standup answers last week")), items))
}

/// Open tasks by status per day: the stored snapshots, then today from
/// the plan itself.
fn chart_data(plan: &Plan, today: NaiveDate, history: &[Snapshot]) -> ChartData {
    let from = today - Duration::days(HISTORY_DAYS);
    let mut days = Vec::new();
    let mut series: Vec<(Status, Vec<u32>)> = CHARTED.iter().map(|s| (*s, Vec::new())).collect();
    let mut push = |day: NaiveDate, counts: &HashMap<Status, u32>| {
        days.push(day);
        for (status, values) in &mut series {
            values.push(*counts.get(status).unwrap_or(&0));
        }
    };
    for snapshot in history.iter().filter(|s| from <= s.day && s.day < today) {
        push(snapshot.day, &snapshot.counts());
    }
    push(today, &counts(plan));
    let milestones = plan
        .milestones()
        .iter()
        .filter_map(|m| {
            m.target.filter(|t| from <= *t && *t <= today + Duration::days(DUE_SOON_DAYS)).map(|t| (m.id.clone(), t))
        })
        .collect();
    ChartData { days, series, milestones }
}
