//! When the open work finishes at the team's own pace: the estimated
//! hours of the tasks completed in each of the last weeks (by their
//! completion dates), against the hours still open. Pure arithmetic on the
//! plan; every date comes with what it is based on.

use chrono::{Duration, NaiveDate};

use super::graph::OpenChains;
use super::task::Cell;
use super::{Milestone, Plan, Status, TaskId};

/// The pace is measured over this many weeks.
pub const PACE_WEEKS: i64 = 4;

/// Estimated hours completed per week, most recent week last.
#[derive(Debug, Clone, PartialEq)]
pub struct Pace {
    /// One entry per week of history the plan has, at most [`PACE_WEEKS`];
    /// a week is the seven days before `today`, the seven before those, …
    pub weekly_hours: Vec<f64>,
    /// The first day counted.
    pub since: NaiveDate,
}

impl Pace {
    /// The pace over the last [`PACE_WEEKS`] weeks, or over fewer when the
    /// plan's first completion is more recent than that. `None` when no
    /// task has both a completion date before `today` and an estimate.
    pub fn measure(plan: &Plan, today: NaiveDate) -> Option<Pace> {
        let completed: Vec<(NaiveDate, f64)> = plan
            .tasks()
            .iter()
            .filter(|task| task.is_done())
            .filter_map(|task| Some((task.completion_date.valid()?, task.estimated_hours.valid()?)))
            .filter(|(day, _)| *day < today)
            .collect();
        let first = completed.iter().map(|(day, _)| *day).min()?;
        let weeks = ((today - first).num_days() + 6).div_euclid(7).clamp(1, PACE_WEEKS);
        let since = today - Duration::days(7 * weeks);
        let mut weekly_hours = vec![0.0; usize::try_from(weeks).unwrap_or(1)];
        for (day, hours) in completed.into_iter().filter(|(day, _)| *day >= since) {
            let week = usize::try_from((day - since).num_days() / 7).unwrap_or(0);
            if let Some(total) = weekly_hours.get_mut(week) {
                *total += hours;
            }
        }
        Some(Pace { weekly_hours, since })
    }

    pub fn slowest(&self) -> f64 {
        self.weekly_hours.iter().copied().fold(f64::INFINITY, f64::min)
    }

    pub fn fastest(&self) -> f64 {
        self.weekly_hours.iter().copied().fold(0.0, f64::max)
    }

    pub fn full(&self) -> bool {
        self.weekly_hours.len() == PACE_WEEKS as usize
    }
}

/// The open work of some tasks and when it finishes.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlook {
    pub open_tasks: usize,
    /// Estimated hours of the open tasks (todo, in progress, blocked).
    pub open_hours: f64,
    /// Open tasks without an estimate (they count as nothing).
    pub unestimated: usize,
    /// The longest chain of open work that ends in one of the tasks (its
    /// open dependencies elsewhere in the plan included), first to last.
    pub critical_path: Vec<usize>,
    pub critical_hours: f64,
    /// At the fastest week's pace, then at the slowest's (`None` when that
    /// week completed nothing: at that pace the work never finishes).
    pub finish: Option<(NaiveDate, Option<NaiveDate>)>,
}

impl Outlook {
    /// The hours the forecast counts: the open hours, or the critical
    /// path's when it is longer (it runs through other tasks' work).
    pub fn hours(&self) -> f64 {
        self.open_hours.max(self.critical_hours)
    }
}

/// Outlooks for groups of tasks of one plan, at one pace.
pub struct Forecaster<'p> {
    plan: &'p Plan,
    chains: OpenChains<'p>,
    pace: Option<Pace>,
    today: NaiveDate,
}

impl<'p> Forecaster<'p> {
    pub fn new(plan: &'p Plan, today: NaiveDate) -> Forecaster<'p> {
        Forecaster { plan, chains: OpenChains::new(plan), pace: Pace::measure(plan, today), today }
    }

    pub fn pace(&self) -> Option<&Pace> {
        self.pace.as_ref()
    }

    /// The open work of the whole plan.
    pub fn whole_plan(&mut self) -> Outlook {
        let everything: Vec<usize> = (0..self.plan.tasks().len()).collect();
        self.outlook(&everything)
    }

    /// The open work among `tasks` (positions in the plan).
    pub fn outlook(&mut self, tasks: &[usize]) -> Outlook {
        outlook(self.plan, &mut self.chains, tasks, self.pace.as_ref(), self.today)
    }
}

fn outlook(
    plan: &Plan,
    chains: &mut OpenChains<'_>,
    tasks: &[usize],
    pace: Option<&Pace>,
    today: NaiveDate,
) -> Outlook {
    let open: Vec<usize> = tasks.iter().copied().filter(|&t| is_open_work(plan, t)).collect();
    let hours = |t: usize| plan.tasks()[t].estimated_hours.valid();
    let open_hours = open.iter().filter_map(|&t| hours(t)).sum();
    let unestimated = open.iter().filter(|&&t| hours(t).is_none()).count();
    let critical = open
        .iter()
        .map(|&t| chains.path_to(t))
        .max_by(|a, b| a.hours.total_cmp(&b.hours).then(b.tasks.len().cmp(&a.tasks.len())));
    let (critical_path, critical_hours) = critical.map_or((Vec::new(), 0.0), |path| (path.tasks, path.hours));
    let mut outlook =
        Outlook { open_tasks: open.len(), open_hours, unestimated, critical_path, critical_hours, finish: None };
    outlook.finish = pace.and_then(|pace| {
        let at = |weekly: f64| finish_at(outlook.hours(), weekly, today);
        Some((at(pace.fastest())?, at(pace.slowest())))
    });
    outlook
}

/// How a milestone's finish range stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    /// Done by the target even at the slowest week's pace.
    OnTrack,
    /// Done by the target at the fastest pace, not at the slowest.
    AtRisk,
    /// After the target even at the fastest pace.
    Late,
}

impl Outlook {
    /// Against `target`; `None` when there is no date to compare.
    pub fn risk(&self, target: NaiveDate) -> Option<Risk> {
        let (fast, slow) = self.finish?;
        Some(match slow {
            _ if fast > target => Risk::Late,
            Some(slow) if slow <= target => Risk::OnTrack,
            _ => Risk::AtRisk,
        })
    }
}

/// The tasks a milestone can be told to hold: those its notes name by id,
/// those whose phase is its id or title, and Markdown tasks whose target
/// names it (`- Target: M2`). Empty when none can be told.
pub fn milestone_tasks(plan: &Plan, milestone: &Milestone) -> Vec<usize> {
    let names = |text: &str| {
        let text = text.trim();
        !text.is_empty() && (text.eq_ignore_ascii_case(&milestone.id) || text.eq_ignore_ascii_case(&milestone.title))
    };
    let mut tasks: Vec<usize> = (0..plan.tasks().len())
        .filter(|&position| {
            let task = &plan.tasks()[position];
            let target = plan.markdown_task(task).map(|section| section.target().clone());
            names(task.phase()) || matches!(target, Some(Cell::Invalid(raw)) if names(&raw))
        })
        .collect();
    let named = milestone.notes.as_deref().unwrap_or_default().split(|c: char| !(c.is_alphanumeric() || c == '-'));
    for id in named.filter_map(|word| word.parse::<TaskId>().ok()) {
        if let Some(position) = plan.position(&id).filter(|position| !tasks.contains(position)) {
            tasks.push(position);
        }
    }
    tasks
}

/// Work that still has to be done: deferred work is parked.
fn is_open_work(plan: &Plan, task: usize) -> bool {
    plan.tasks()[task].status().is_none_or(|status| status.is_open() && status != Status::Deferred)
}

/// The day `hours` of work are done at `weekly` hours a week, counting
/// whole days from `today`; `None` at a pace of nothing.
fn finish_at(hours: f64, weekly: f64, today: NaiveDate) -> Option<NaiveDate> {
    if hours <= 0.0 {
        return Some(today);
    }
    if weekly <= 0.0 {
        return None;
    }
    let days = (hours / weekly * 7.0).ceil();
    // A plan's hours are far below what would overflow a date.
    let days = if days.is_finite() && days < 1e7 { days as i64 } else { return None };
    today.checked_add_signed(Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::super::plan_of;
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// Four weeks before 2026-12-03: 2026-11-05..11, 11-12..18, 11-19..25, 11-26..12-02.
    fn plan() -> Plan {
        plan_of(&[
            "A-1,build,a,x,completed,,,10,2026-11-06,,,,",
            "A-2,build,b,x,completed,,,6,2026-11-10,,,,",
            "A-3,build,c,x,completed,,,20,2026-11-20,,,,",
            "A-4,build,d,x,completed,,,4,2026-11-30,,,,",
            "A-5,build,e,x,completed,,,8,2026-12-02,,,,",
            "A-6,build,too old,x,completed,,,50,2026-10-01,,,,",
            "B-1,ship,f,y,todo,,A-4,30,,,,,",
            "B-2,ship,g,y,blocked,,B-1,18,,,,,",
            "B-3,ship,h,y,in-progress,,,12,,,,,",
            "B-4,ship,no estimate,y,todo,,,,,,,,",
            "B-5,ship,parked,y,deferred,,,100,,,,,",
            "C-1,later,i,z,todo,,B-2,5,,,,,",
        ])
    }

    #[test]
    fn the_pace_is_the_estimated_hours_completed_in_each_of_the_last_four_weeks() {
        let pace = Pace::measure(&plan(), day("2026-12-03")).unwrap();
        // 10 + 6 in the first week, none in the second, 20, then 4 + 8.
        assert_eq!(pace.weekly_hours, [16.0, 0.0, 20.0, 12.0]);
        assert_eq!((pace.since, pace.slowest(), pace.fastest(), pace.full()), (day("2026-11-05"), 0.0, 20.0, true));
    }

    #[test]
    fn a_younger_plan_has_a_pace_over_the_weeks_it_has() {
        let plan = plan_of(&["A-1,p,a,x,completed,,,9,2026-11-24,,,,", "A-2,p,b,x,done,,,3,2026-12-01,,,,"]);
        let pace = Pace::measure(&plan, day("2026-12-03")).unwrap();
        // Nine days of history: two weeks, from 2026-11-19.
        assert_eq!(
            (pace.weekly_hours.as_slice(), pace.since, pace.full()),
            (&[9.0, 3.0][..], day("2026-11-19"), false)
        );
        assert_eq!(Pace::measure(&plan_of(&["A-1,p,a,x,todo,,,9,,,,,"]), day("2026-12-03")), None);
    }

    #[test]
    fn open_hours_finish_between_the_fastest_and_slowest_weeks() {
        let plan = plan();
        let today = day("2026-12-03");
        let pace = Pace { weekly_hours: vec![16.0, 8.0, 20.0, 12.0], since: day("2026-11-05") };
        let ship: Vec<usize> = (6..11).collect();
        let outlook = outlook(&plan, &mut OpenChains::new(&plan), &ship, Some(&pace), today);
        // B-1 30 + B-2 18 + B-3 12 open; B-4 has no estimate; B-5 is parked.
        assert_eq!((outlook.open_tasks, outlook.open_hours, outlook.unestimated), (4, 60.0, 1));
        // B-1 → B-2 is the longest chain: 48 h, less than the 60 open.
        assert_eq!((outlook.critical_path.as_slice(), outlook.critical_hours), (&[6, 7][..], 48.0));
        // 60 h at 20 h a week is 21 days; at 8 h a week 52.5, so 53.
        assert_eq!(outlook.finish, Some((day("2026-12-24"), Some(day("2027-01-25")))));
    }

    #[test]
    fn a_phase_waiting_on_a_longer_chain_finishes_after_it() {
        let plan = plan();
        let pace = Pace { weekly_hours: vec![10.0], since: day("2026-11-26") };
        let outlook = outlook(&plan, &mut OpenChains::new(&plan), &[11], Some(&pace), day("2026-12-03"));
        // C-1 alone is 5 h, but it waits on B-1 → B-2: 53 h at 10 h a week is 37.1 days, so 38.
        assert_eq!((outlook.open_hours, outlook.critical_hours, outlook.hours()), (5.0, 53.0, 53.0));
        assert_eq!(outlook.finish, Some((day("2027-01-10"), Some(day("2027-01-10")))));
    }

    #[test]
    fn a_milestone_holds_the_tasks_its_notes_name_and_its_phase() {
        let plan = plan();
        let milestone = |id: &str, title: &str, notes: &str| Milestone {
            id: id.to_owned(),
            title: title.to_owned(),
            owner: None,
            start: None,
            target: None,
            notes: Some(notes.to_owned()),
            done: None,
            line: 1,
            form: super::super::MilestoneForm::Item { line_end: 0 },
        };
        assert_eq!(milestone_tasks(&plan, &milestone("M1", "Ship", "also C-1; and Z-9")), [6, 7, 8, 9, 10, 11]);
        assert_eq!(milestone_tasks(&plan, &milestone("later", "x", "")), [11]);
        assert!(milestone_tasks(&plan, &milestone("M9", "Nothing", "no ids here")).is_empty());
    }

    #[test]
    fn a_milestone_is_at_risk_when_its_target_falls_inside_the_range() {
        let finish = |fast: &str, slow: Option<&str>| Outlook {
            open_tasks: 1,
            open_hours: 1.0,
            unestimated: 0,
            critical_path: vec![],
            critical_hours: 0.0,
            finish: Some((day(fast), slow.map(day))),
        };
        let target = day("2026-12-20");
        assert_eq!(finish("2026-12-10", Some("2026-12-20")).risk(target), Some(Risk::OnTrack));
        assert_eq!(finish("2026-12-10", Some("2026-12-21")).risk(target), Some(Risk::AtRisk));
        assert_eq!(finish("2026-12-10", None).risk(target), Some(Risk::AtRisk));
        assert_eq!(finish("2026-12-21", Some("2027-01-02")).risk(target), Some(Risk::Late));
    }

    #[test]
    fn a_week_that_completed_nothing_never_finishes_the_work() {
        let plan = plan();
        let pace = Pace { weekly_hours: vec![16.0, 0.0], since: day("2026-11-19") };
        let outlook = outlook(&plan, &mut OpenChains::new(&plan), &[8], Some(&pace), day("2026-12-03"));
        // 12 h at 16 h a week: 5.25 days, so 6.
        assert_eq!(outlook.finish, Some((day("2026-12-09"), None)));
    }
}
