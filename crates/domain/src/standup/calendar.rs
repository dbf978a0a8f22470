//! When things happen. A standup belongs to a day of the team's calendar;
//! its answer window runs from the previous standup's summary to its own,
//! so an answer written in the evening counts for the next working day.
//! Each person is asked once inside that window, at the configured time
//! of their own day, which is right across DST changes and for people far
//! east or west of the team.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::config::StandupConfig;

/// How far the calendar looks for the previous or next standup day (a
/// team may skip weeks, never years).
const SEARCH_DAYS: i64 = 370;

pub struct Calendar<'a> {
    config: &'a StandupConfig,
    team_tz: Tz,
    /// Team holidays (`/plan standup skip`).
    skipped: &'a BTreeSet<NaiveDate>,
}

impl<'a> Calendar<'a> {
    pub fn new(config: &'a StandupConfig, team_tz: Tz, skipped: &'a BTreeSet<NaiveDate>) -> Calendar<'a> {
        Calendar { config, team_tz, skipped }
    }

    pub fn team_tz(&self) -> Tz {
        self.team_tz
    }

    pub fn is_standup_day(&self, day: NaiveDate) -> bool {
        self.config.days.contains(day.weekday()) && !self.skipped.contains(&day)
    }

    /// The team's calendar day at `instant`.
    pub fn team_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.team_tz).date_naive()
    }

    /// When `day`'s summary is posted.
    pub fn summary_at(&self, day: NaiveDate) -> DateTime<Utc> {
        resolve_local(self.team_tz, day, self.config.summary_at)
    }

    /// The first instant after `day` in the team's time zone: a summary
    /// missed while planbot was down is still posted until then.
    pub fn end_of_day(&self, day: NaiveDate) -> DateTime<Utc> {
        resolve_local(self.team_tz, day + Duration::days(1), NaiveTime::MIN)
    }

    pub fn previous_standup_day(&self, day: NaiveDate) -> Option<NaiveDate> {
        (1..=SEARCH_DAYS).map(|back| day - Duration::days(back)).find(|d| self.is_standup_day(*d))
    }

    /// Working days (standup days, holidays left out) after `since` up to
    /// and including `today`.
    pub fn working_days_after(&self, since: NaiveDate, today: NaiveDate) -> u32 {
        since.iter_days().skip(1).take_while(|d| *d <= today).filter(|d| self.is_standup_day(*d)).count() as u32
    }

    /// The working day on which `count` working days after `since` are
    /// complete.
    pub fn working_day_number(&self, since: NaiveDate, count: u32) -> Option<NaiveDate> {
        if count == 0 {
            return Some(since);
        }
        since
            .iter_days()
            .skip(1)
            .take(SEARCH_DAYS as usize * 2)
            .filter(|d| self.is_standup_day(*d))
            .nth(count as usize - 1)
    }

    /// `day` itself when it is a standup day, else the next one.
    pub fn next_standup_day(&self, day: NaiveDate) -> Option<NaiveDate> {
        (0..=SEARCH_DAYS).map(|ahead| day + Duration::days(ahead)).find(|d| self.is_standup_day(*d))
    }

    /// Answers written in `[opens, closes)` count for `day`.
    pub fn window(&self, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let closes = self.summary_at(day);
        let opens = match self.previous_standup_day(day) {
            Some(previous) => self.summary_at(previous),
            None => closes - Duration::days(1),
        };
        (opens, closes)
    }

    /// The standup an answer written at `instant` counts for.
    pub fn day_answering_at(&self, instant: DateTime<Utc>) -> Option<NaiveDate> {
        let mut day = self.next_standup_day(self.team_date(instant) - Duration::days(1))?;
        for _ in 0..SEARCH_DAYS {
            if self.summary_at(day) > instant {
                return Some(day);
            }
            day = self.next_standup_day(day + Duration::days(1))?;
        }
        None
    }

    /// When a person in `tz` is asked for `day`'s update: the last
    /// prompt time of theirs inside the window that falls on one of their
    /// own working days (so nobody is asked on their Sunday), else the
    /// last one in the window, else the window's opening.
    pub fn prompt_at(&self, day: NaiveDate, tz: Tz) -> DateTime<Utc> {
        let (opens, closes) = self.window(day);
        let first = opens.with_timezone(&tz).date_naive();
        let last = closes.with_timezone(&tz).date_naive();
        let in_window = |date: &NaiveDate| {
            let at = resolve_local(tz, *date, self.config.prompt_at);
            (opens <= at && at < closes).then_some((at, *date))
        };
        let candidates: Vec<(DateTime<Utc>, NaiveDate)> =
            first.iter_days().take_while(|d| *d <= last).filter_map(|d| in_window(&d)).collect();
        let working = candidates.iter().rev().find(|(_, date)| self.config.days.contains(date.weekday()));
        working.or(candidates.last()).map(|(at, _)| *at).unwrap_or(opens)
    }

    /// When the reminder goes, if reminders are on and it is still before
    /// the summary.
    pub fn reminder_at(&self, day: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
        let after = Duration::from_std(self.config.remind_after?).ok()?;
        let at = self.prompt_at(day, tz) + after;
        (at < self.summary_at(day)).then_some(at)
    }

    /// The standup days whose summary is at most a day behind `instant`
    /// or whose window is open: the days a scheduler tick looks at.
    pub fn days_in_play(&self, instant: DateTime<Utc>) -> Vec<NaiveDate> {
        let today = self.team_date(instant);
        let mut days: Vec<NaiveDate> = [today - Duration::days(1), today]
            .into_iter()
            .filter(|d| self.is_standup_day(*d) && instant < self.end_of_day(*d))
            .collect();
        if let Some(next) = self.day_answering_at(instant) {
            if !days.contains(&next) {
                days.push(next);
            }
        }
        days
    }
}

/// A wall-clock time on a date in `tz`, as an instant. A time that occurs
/// twice (clocks going back) is the first; one that never occurs (clocks
/// going forward) is moved past the gap.
pub fn resolve_local(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = date.and_time(time);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
        LocalResult::None => {
            let later = local + Duration::hours(1);
            tz.from_local_datetime(&later)
                .earliest()
                .map_or_else(|| Utc.from_utc_datetime(&local), |at| at.with_timezone(&Utc))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Europe, Pacific};

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn config() -> StandupConfig {
        StandupConfig::new(None)
    }

    #[test]
    fn a_person_in_the_team_zone_is_asked_at_nine_thirty_their_day() {
        let (config, holidays) = (config(), BTreeSet::new());
        let calendar = Calendar::new(&config, Europe::Berlin, &holidays);
        // Tue 21 Oct 2025: Berlin is UTC+2.
        assert_eq!(calendar.prompt_at(date("2025-10-21"), Europe::Berlin), at("2025-10-21T07:30:00Z"));
        assert_eq!(calendar.summary_at(date("2025-10-21")), at("2025-10-21T10:00:00Z"));
        assert_eq!(calendar.reminder_at(date("2025-10-21"), Europe::Berlin), Some(at("2025-10-21T09:30:00Z")));
    }

    #[test]
    fn far_west_is_asked_the_working_day_before_and_never_on_sunday() {
        let (config, holidays) = (config(), BTreeSet::new());
        let calendar = Calendar::new(&config, Europe::Berlin, &holidays);
        // Monday's summary is 10:00 UTC, midnight in Honolulu: their last
        // working day before it is Friday.
        assert_eq!(calendar.prompt_at(date("2025-10-20"), Pacific::Honolulu), at("2025-10-17T19:30:00Z"));
        // Their Monday morning answers Tuesday's standup, and the reminder
        // follows two hours later, long before Tuesday's summary.
        assert_eq!(calendar.prompt_at(date("2025-10-21"), Pacific::Honolulu), at("2025-10-20T19:30:00Z"));
        assert_eq!(calendar.reminder_at(date("2025-10-21"), Pacific::Honolulu), Some(at("2025-10-20T21:30:00Z")));
    }

    #[test]
    fn far_east_is_asked_on_their_own_morning() {
        let (config, holidays) = (config(), BTreeSet::new());
        let calendar = Calendar::new(&config, Europe::Berlin, &holidays);
        // Auckland is UTC+13 in October: 09:30 there is 20:30 UTC the day before.
        assert_eq!(calendar.prompt_at(date("2025-10-21"), Pacific::Auckland), at("2025-10-20T20:30:00Z"));
    }

    #[test]
    fn dst_changes_keep_local_times() {
        let (config, holidays) = (config(), BTreeSet::new());
        let calendar = Calendar::new(&config, Europe::Berlin, &holidays);
        // Berlin leaves summer time on Sun 26 Oct 2025: Monday is UTC+1.
        assert_eq!(calendar.summary_at(date("2025-10-27")), at("2025-10-27T11:00:00Z"));
        assert_eq!(calendar.prompt_at(date("2025-10-27"), Europe::Berlin), at("2025-10-27T08:30:00Z"));
        // New York changes a week later; on 27 Oct it is still UTC-4.
        assert_eq!(calendar.prompt_at(date("2025-10-28"), America::New_York), at("2025-10-27T13:30:00Z"));
        assert_eq!(calendar.prompt_at(date("2025-11-04"), America::New_York), at("2025-11-03T14:30:00Z"));
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_past_it() {
        let gap = resolve_local(Europe::Berlin, date("2026-03-29"), NaiveTime::from_hms_opt(2, 30, 0).unwrap());
        assert_eq!(gap, at("2026-03-29T01:30:00Z"));
        let twice = resolve_local(Europe::Berlin, date("2025-10-26"), NaiveTime::from_hms_opt(2, 30, 0).unwrap());
        assert_eq!(twice, at("2025-10-26T00:30:00Z"));
    }

    #[test]
    fn evening_answers_count_for_the_next_working_day_and_holidays_are_skipped() {
        let config = config();
        let holidays = BTreeSet::from([date("2025-12-25"), date("2025-12-26")]);
        let calendar = Calendar::new(&config, Europe::Berlin, &holidays);
        assert_eq!(calendar.day_answering_at(at("2025-10-21T09:59:00Z")), Some(date("2025-10-21")));
        assert_eq!(calendar.day_answering_at(at("2025-10-21T18:00:00Z")), Some(date("2025-10-22")));
        assert_eq!(calendar.day_answering_at(at("2025-10-24T18:00:00Z")), Some(date("2025-10-27")));
        assert_eq!(calendar.day_answering_at(at("2025-12-24T18:00:00Z")), Some(date("2025-12-29")));
        assert_eq!(calendar.window(date("2025-12-29")).0, at("2025-12-24T11:00:00Z"));
        assert!(!calendar.is_standup_day(date("2025-12-25")));
    }

    #[test]
    fn a_tick_looks_at_yesterday_until_its_day_ends_and_at_the_open_window() {
        let (config, holidays) = (config(), BTreeSet::new());
        let calendar = Calendar::new(&config, Europe::Berlin, &holidays);
        let days = calendar.days_in_play(at("2025-10-21T08:00:00Z"));
        assert_eq!(days, vec![date("2025-10-21")]);
        let evening = calendar.days_in_play(at("2025-10-21T20:00:00Z"));
        assert_eq!(evening, vec![date("2025-10-21"), date("2025-10-22")]);
    }
}
