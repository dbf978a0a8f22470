//! Blocked tasks over time: since when each has been blocked, how many
//! working days that is, whether it has stalled long enough to nudge the
//! people who can move it, and who they are.
//!
//! The age comes from the plan when it says (a Markdown status line's
//! date), else from the daily snapshots planbot keeps: the first day of the
//! unbroken run of snapshots that show the task blocked.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::history::Snapshot;
use crate::views::plural;
use planbot_domain::people::{Named, SlackUserId, named_in};
use planbot_domain::plan::{Plan, Status};
use planbot_domain::standup::Calendar;
use planbot_store::{Member, Store, StoreError};

/// The default for `BLOCKER_NUDGE_AFTER`: working days without a change.
pub const DEFAULT_NUDGE_AFTER: u32 = 3;
/// How far back the snapshots are read for an age.
pub const HISTORY_DAYS: i64 = 120;

/// One blocked task and how long it has been blocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedTask {
    pub position: usize,
    /// `None` when neither the plan nor a snapshot before today shows it
    /// blocked: it was blocked today, or planbot has not watched long.
    pub since: Option<NaiveDate>,
}

impl BlockedTask {
    pub fn days(&self, today: NaiveDate) -> Option<i64> {
        self.since.map(|since| (today - since).num_days())
    }
}

/// Every blocked task in plan order, with the day its block began.
pub fn blocked_tasks(plan: &Plan, history: &[Snapshot], today: NaiveDate) -> Vec<BlockedTask> {
    let blocked: Vec<usize> =
        (0..plan.tasks().len()).filter(|&i| plan.tasks()[i].status() == Some(Status::Blocked)).collect();
    let ids: HashSet<&str> = blocked.iter().map(|&i| plan.tasks()[i].id.as_str()).collect();
    let watched = watched_since(&ids, history, today);
    blocked
        .into_iter()
        .map(|position| {
            let task = &plan.tasks()[position];
            let stated = task.status_date().filter(|day| *day <= today);
            BlockedTask { position, since: stated.or_else(|| watched.get(task.id.as_str()).copied()) }
        })
        .collect()
}

/// The first day of each task's unbroken blocked run in the snapshots
/// before today, newest first.
fn watched_since<'a>(ids: &HashSet<&'a str>, history: &[Snapshot], today: NaiveDate) -> HashMap<&'a str, NaiveDate> {
    let mut since: HashMap<&str, NaiveDate> = HashMap::new();
    let mut broken: HashSet<&str> = HashSet::new();
    for snapshot in history.iter().rev().filter(|s| s.day < today) {
        let blocked_that_day: HashSet<&str> =
            snapshot.entries().filter(|(_, status)| *status == Some(Status::Blocked)).map(|(id, _)| id).collect();
        for id in ids {
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
    since
}

/// A blocker that has not moved for the nudge span: `round` spans so far,
/// the latest completed on `round_day`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stall {
    pub working_days: u32,
    pub round: u32,
    pub round_day: NaiveDate,
}

/// Whether `task` has stalled: blocked for at least `after` working days
/// (holidays and non-standup days do not count). `after` 0 turns it off.
pub fn stall(task: &BlockedTask, calendar: &Calendar<'_>, today: NaiveDate, after: u32) -> Option<Stall> {
    let since = task.since?;
    let working_days = calendar.working_days_after(since, today);
    if after == 0 || working_days < after {
        return None;
    }
    let round = working_days / after;
    let round_day = calendar.working_day_number(since, round * after)?;
    Some(Stall { working_days, round, round_day })
}

/// Someone who can unblock a task, by name for reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unblocker {
    pub user: SlackUserId,
    pub name: String,
}

/// The people who can unblock the task at `position`: anyone its block
/// reason names (`<@U…>`, `@name` or `@role`), then the people holding the
/// owner roles of its unfinished dependencies; each once.
pub async fn unblockers(
    store: &dyn Store,
    plan: &Plan,
    position: usize,
    members: &[Member],
) -> Result<Vec<Unblocker>, StoreError> {
    // Each person with the words they were found by, for when Slack has
    // not told planbot their name yet.
    let mut found: Vec<(SlackUserId, String)> = Vec::new();
    for named in named_in(plan.tasks()[position].status_reason()) {
        match named {
            Named::User(user) => found.push((user.clone(), user.to_string())),
            Named::Handle(handle) => {
                let holders = store.people_with_role(&handle).await?;
                let people: Vec<SlackUserId> = if holders.is_empty() {
                    members.iter().filter(|m| answers_to(m, &handle)).map(|m| m.user.clone()).collect()
                } else {
                    holders
                };
                found.extend(people.into_iter().map(|user| (user, handle.clone())));
            }
        }
    }
    for role in plan.who_can_unblock(position) {
        found.extend(store.people_with_role(role).await?.into_iter().map(|user| (user, role.to_owned())));
    }
    let mut seen = HashSet::new();
    found.retain(|(user, _)| seen.insert(user.clone()));
    Ok(found
        .into_iter()
        .map(|(user, found_by)| {
            let name =
                members.iter().find(|m| m.user == user && m.name.is_some()).map_or(found_by, Member::display_name);
            Unblocker { user, name }
        })
        .collect())
}

/// A blocked task with all planbot knows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockerRow {
    pub blocked: BlockedTask,
    pub stall: Option<Stall>,
    pub ask: Vec<Unblocker>,
}

/// The plan's blocked tasks as of `today`, in plan order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockerReport {
    pub today: NaiveDate,
    /// The first snapshot planbot kept (before today), if any: an age
    /// that reaches back to it may be longer.
    pub history_from: Option<NaiveDate>,
    /// The nudge span in working days (0: no nudges).
    pub nudge_after: u32,
    pub rows: Vec<BlockerRow>,
}

impl BlockerReport {
    pub fn row(&self, position: usize) -> Option<&BlockerRow> {
        self.rows.iter().find(|row| row.blocked.position == position)
    }

    /// What follows a blocked task's line: ` · blocked 15 days (since
    /// 2025-10-12) · stalled 11 working days · ask Ana, Ben`. Names are
    /// plain text: reading about a blocker pings no one.
    pub fn note(&self, position: usize) -> String {
        let Some(row) = self.row(position) else { return String::new() };
        let mut note = match (row.blocked.days(self.today), row.blocked.since, self.history_from) {
            (Some(days), Some(since), Some(first)) if since == first => {
                format!(" · blocked at least {} (planbot's history starts {first})", plural(days, "day"))
            }
            (Some(days), Some(since), _) => format!(" · blocked {} (since {since})", plural(days, "day")),
            (_, _, None) => " · blocked (how long is not known yet: planbot's daily history starts today)".to_owned(),
            _ => " · blocked since today".to_owned(),
        };
        if let Some(stall) = &row.stall {
            note.push_str(&format!(" · stalled {} working days", stall.working_days));
        }
        if !row.ask.is_empty() {
            let names: Vec<&str> = row.ask.iter().map(|u| u.name.as_str()).collect();
            note.push_str(&format!(" · ask {}", names.join(", ")));
        }
        note
    }
}

/// `@ana` names Ana; `@ana.k` or `@ana_k` names "Ana K".
fn answers_to(member: &Member, handle: &str) -> bool {
    let Some(name) = &member.name else { return false };
    let squash =
        |text: &str| text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let first = name.split_whitespace().next().unwrap_or_default();
    squash(name) == squash(handle) || first.eq_ignore_ascii_case(handle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use planbot_domain::standup::StandupConfig;
    use std::collections::BTreeSet;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn plan() -> Plan {
        crate::plan_of(&[
            "AUTH-005,P1,Tokens,backend,in-progress,high,,4,,,,,",
            "FE-004,P1,Login page,frontend,blocked,high,AUTH-005,3,,,,,",
        ])
    }

    fn snapshot(d: &str, fe: char) -> Snapshot {
        Snapshot { day: day(d), text: format!("AUTH-005 i\nFE-004 {fe}\n") }
    }

    #[test]
    fn the_age_is_the_start_of_the_unbroken_blocked_run() {
        let history = [snapshot("2025-10-01", 'b'), snapshot("2025-10-02", 'i'), snapshot("2025-10-06", 'b')];
        let blocked = blocked_tasks(&plan(), &history, day("2025-10-09"));
        assert_eq!(blocked, [BlockedTask { position: 1, since: Some(day("2025-10-06")) }]);
        assert_eq!(blocked[0].days(day("2025-10-09")), Some(3));
        let fresh = blocked_tasks(&plan(), &[snapshot("2025-10-08", 'i')], day("2025-10-09"));
        assert_eq!(fresh[0].since, None, "blocked today");
    }

    #[test]
    fn a_stall_counts_working_days_and_skips_holidays() {
        let config = StandupConfig::new(None);
        let holidays = BTreeSet::from([day("2025-10-08")]);
        let calendar = Calendar::new(&config, chrono_tz::UTC, &holidays);
        // Blocked since Fri 3 Oct: Mon 6, Tue 7, (Wed 8 a holiday), Thu 9.
        let task = BlockedTask { position: 1, since: Some(day("2025-10-03")) };
        assert_eq!(stall(&task, &calendar, day("2025-10-07"), 3), None, "two working days");
        let stalled = stall(&task, &calendar, day("2025-10-09"), 3).unwrap();
        assert_eq!(stalled, Stall { working_days: 3, round: 1, round_day: day("2025-10-09") });
        // The next round after three more: Fri 10, Mon 13, Tue 14.
        let again = stall(&task, &calendar, day("2025-10-14"), 3).unwrap();
        assert_eq!((again.round, again.round_day), (2, day("2025-10-14")));
        assert_eq!(stall(&task, &calendar, day("2025-10-14"), 0), None, "0 turns nudges off");
    }
}
