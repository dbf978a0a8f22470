//! What the Monday digest says, from the plan, planbot's daily snapshots
//! of it and its own records. Pure: the same inputs give the same digest,
//! which is what the golden tests pin down.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate};

use super::chart::ChartData;
use crate::views::task_line;
use planbot_domain::plan::{Plan, Priority, Status, TaskId};
use planbot_reply::{Block, Reply, Text};

/// The chart covers eight weeks.
pub const HISTORY_DAYS: i64 = 56;
/// Milestones due this soon are listed.
const DUE_SOON_DAYS: i64 = 14;
/// The statuses the chart draws (open work).
const CHARTED: [Status; 3] = [Status::Todo, Status::InProgress, Status::Blocked];

/// The plan's statuses on one day, as stored: one `ID code` line per task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub day: NaiveDate,
    pub text: String,
}

fn code(status: Option<Status>) -> char {
    match status {
        Some(Status::Todo) => 't',
        Some(Status::InProgress) => 'i',
        Some(Status::Blocked) => 'b',
        Some(Status::Deferred) => 'd',
        Some(Status::Completed) => 'c',
        None => '?',
    }
}

fn status_of(code: char) -> Option<Status> {
    match code {
        't' => Some(Status::Todo),
        'i' => Some(Status::InProgress),
        'b' => Some(Status::Blocked),
        'd' => Some(Status::Deferred),
        'c' => Some(Status::Completed),
        _ => None,
    }
}

/// Today's plan as a snapshot.
pub fn snapshot_text(plan: &Plan) -> String {
    let mut text = String::with_capacity(plan.tasks().len() * 12);
    for task in plan.tasks() {
        text.push_str(task.id.as_str());
        text.push(' ');
        text.push(code(task.status()));
        text.push('\n');
    }
    text
}

impl Snapshot {
    fn entries(&self) -> impl Iterator<Item = (&str, Option<Status>)> {
        self.text.lines().filter_map(|line| {
            let (id, code) = line.rsplit_once(' ')?;
            Some((id, status_of(code.chars().next()?)))
        })
    }

    fn counts(&self) -> HashMap<Status, u32> {
        let mut counts = HashMap::new();
        for (_, status) in self.entries() {
            if let Some(status) = status {
                *counts.entry(status).or_insert(0) += 1;
            }
        }
        counts
    }
}

/// What planbot's own records add to the plan.
#[derive(Debug, Clone, Default)]
pub struct WeekFacts {
    /// Who completed a task through planbot last week, by task.
    pub completed_by: HashMap<TaskId, String>,
    /// Standup answers last week: name, answers, standup days.
    pub participation: Vec<(String, usize, usize)>,
    /// Edits still waiting or failed, as one line each.
    pub edits_waiting: Vec<String>,
}

pub struct Digest {
    pub week: NaiveDate,
    pub headline: String,
    pub reply: Reply,
    pub chart: ChartData,
}

/// Builds the digest for the week starting `today` (a Monday, normally).
pub fn build(plan: &Plan, today: NaiveDate, history: &[Snapshot], facts: &WeekFacts, late: bool) -> Digest {
    let now_counts = counts(plan);
    let week_ago = history.iter().rev().find(|s| s.day <= today - Duration::days(7));
    let completed = completed_last_week(plan, today);
    let blocked = blocked_tasks(plan, today, history, week_ago);
    let compared = week_ago.is_some();
    let open = now_counts.get(&Status::Todo).unwrap_or(&0)
        + now_counts.get(&Status::InProgress).unwrap_or(&0)
        + now_counts.get(&Status::Blocked).unwrap_or(&0);
    let headline = format!(
        "{open} open · {} completed last week · {} blocked",
        completed.len(),
        now_counts.get(&Status::Blocked).unwrap_or(&0)
    );
    let mut title = format!("Weekly digest · {}", today.format("%a %-d %b"));
    if late {
        title.push_str(" (late: planbot was down at the scheduled time)");
    }
    let mut blocks = vec![Block::Heading(Text::plain(title)), Block::Paragraph(Text::bold(&headline))];
    blocks.push(status_counts(&now_counts, week_ago));
    blocks.extend(completed_section(plan, &completed, facts));
    blocks.extend(blocked_sections(plan, &blocked, compared));
    blocks.extend(milestone_sections(plan, today));
    blocks.extend(crate::command::forecast::digest_blocks(plan, today));
    blocks.extend(not_started_section(plan));
    blocks.extend(participation_section(facts));
    if !facts.edits_waiting.is_empty() {
        let items = facts.edits_waiting.iter().map(Text::plain).collect();
        blocks.push(Block::list(Some(Text::bold("Edits not written yet")), items));
    }
    Digest { week: today, headline, reply: Reply::new(blocks), chart: chart_data(plan, today, history) }
}

fn counts(plan: &Plan) -> HashMap<Status, u32> {
    let mut counts = HashMap::new();
    for status in plan.tasks().iter().filter_map(|t| t.status()) {
        *counts.entry(status).or_insert(0) += 1;
    }
    counts
}

fn status_counts(now: &HashMap<Status, u32>, week_ago: Option<&Snapshot>) -> Block {
    let before = week_ago.map(Snapshot::counts);
    let fields = Status::ALL
        .iter()
        .map(|status| {
            let count = *now.get(status).unwrap_or(&0);
            let change = before.as_ref().map(|b| i64::from(count) - i64::from(*b.get(status).unwrap_or(&0)));
            let text = match change {
                Some(0) | None => count.to_string(),
                Some(delta) => format!("{count} ({delta:+} on last week)"),
            };
            (status.canonical().to_owned(), Text::plain(text))
        })
        .collect();
    Block::Fields(fields)
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
    let blocked: Vec<usize> =
        (0..plan.tasks().len()).filter(|&i| plan.tasks()[i].status() == Some(Status::Blocked)).collect();
    let ids: HashSet<&str> = blocked.iter().map(|&i| plan.tasks()[i].id.as_str()).collect();
    // The first day of the unbroken blocked run, per task, newest first.
    let mut since: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    let mut broken: HashSet<&str> = HashSet::new();
    for snapshot in history.iter().rev() {
        let blocked_that_day: HashSet<&str> = snapshot
            .entries()
            .filter(|(id, s)| ids.contains(id) && *s == Some(Status::Blocked))
            .map(|(id, _)| id)
            .collect();
        for id in &ids {
            if broken.contains(id) {
                continue;
            }
            if blocked_that_day.contains(id) {
                since.insert(id, snapshot.day);
            } else {
                broken.insert(id);
            }
        }
    }
    let was_blocked: HashSet<&str> = week_ago
        .map(|s| s.entries().filter(|(_, st)| *st == Some(Status::Blocked)).map(|(id, _)| id).collect())
        .unwrap_or_default();
    blocked
        .into_iter()
        .map(|position| {
            let id = plan.tasks()[position].id.as_str();
            Blocked {
                position,
                days: since.get(id).map(|d| (today - *d).num_days()),
                new: week_ago.is_some() && !was_blocked.contains(id),
            }
        })
        .collect()
}

fn blocked_line(plan: &Plan, blocked: &Blocked) -> Text {
    let mut line = task_line(plan, blocked.position);
    if let Some(days) = blocked.days {
        line = line.and_plain(format!(" · blocked {days} day{}", if days == 1 { "" } else { "s" }));
    }
    let waits = plan.unmet_dependencies(blocked.position);
    if !waits.is_empty() {
        line = line.and_plain(format!(" · waits on {}", waits.join(", ")));
    }
    line
}

/// Newly and still blocked when last week's snapshot allows telling them
/// apart; one list otherwise.
fn blocked_sections(plan: &Plan, blocked: &[Blocked], compared: bool) -> Vec<Block> {
    if !compared {
        let items: Vec<Text> = blocked.iter().map(|b| blocked_line(plan, b)).collect();
        return if items.is_empty() { Vec::new() } else { vec![Block::list(Some(Text::bold("Blocked")), items)] };
    }
    let (new, still): (Vec<&Blocked>, Vec<&Blocked>) = blocked.iter().partition(|b| b.new);
    let mut blocks = Vec::new();
    if !new.is_empty() {
        let items = new.iter().map(|b| blocked_line(plan, b)).collect();
        blocks.push(Block::list(Some(Text::bold("Newly blocked")), items));
    }
    if !still.is_empty() {
        let items = still.iter().map(|b| blocked_line(plan, b)).collect();
        blocks.push(Block::list(Some(Text::bold("Still blocked")), items));
    }
    blocks
}

fn milestone_sections(plan: &Plan, today: NaiveDate) -> Vec<Block> {
    let mut overdue = Vec::new();
    let mut due = Vec::new();
    // Every open milestone past its target is listed, however long ago:
    // a milestone nobody closed is news every week until someone does.
    for milestone in plan.milestones().iter().filter(|m| m.done.is_none()) {
        let Some(left) = milestone.days_left(today) else { continue };
        let name = Text::bold(&milestone.id).and_plain(format!(" {}", milestone.title));
        if left < 0 {
            overdue.push(name.and_plain(format!(" · {}", milestone.standing(today))));
        } else if (0..=DUE_SOON_DAYS).contains(&left) {
            due.push(name.and_plain(format!(" · {}", milestone.standing(today))));
        }
    }
    let mut blocks = Vec::new();
    if !overdue.is_empty() {
        blocks.push(Block::list(Some(Text::bold("Milestones overdue")), overdue));
    }
    if !due.is_empty() {
        blocks.push(Block::list(Some(Text::bold("Milestones due in the next 14 days")), due));
    }
    blocks
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
