//! When the digest goes out: `DIGEST_SCHEDULE`, e.g. `mon 10:00 UTC`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

use planbot_domain::standup::resolve_local;

/// A digest posted more than this after its time is marked late.
const LATE_AFTER: Duration = Duration::hours(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestSchedule {
    pub weekday: Weekday,
    pub at: NaiveTime,
    pub tz: Tz,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a weekly time: use e.g. mon 10:00 UTC (a weekday, HH:MM, an IANA time zone)")]
pub struct ScheduleError(String);

impl Default for DigestSchedule {
    /// The team meets Mondays at 10:00 UTC.
    fn default() -> DigestSchedule {
        DigestSchedule {
            weekday: Weekday::Mon,
            at: NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default(),
            tz: chrono_tz::UTC,
        }
    }
}

/// This week's digest: the day it belongs to, when it was due, whether
/// posting it now is late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueDigest {
    pub week: NaiveDate,
    pub due_at: DateTime<Utc>,
    pub late: bool,
}

impl DigestSchedule {
    pub fn parse(text: &str) -> Result<DigestSchedule, ScheduleError> {
        let wrong = || ScheduleError(text.to_owned());
        let words: Vec<&str> = text.split_whitespace().collect();
        let (day, time, tz) = match words.as_slice() {
            [day, time] => (day, time, "UTC"),
            [day, time, tz] => (day, time, *tz),
            _ => return Err(wrong()),
        };
        Ok(DigestSchedule {
            weekday: day.parse().map_err(|_| wrong())?,
            at: NaiveTime::parse_from_str(time, "%H:%M").map_err(|_| wrong())?,
            tz: tz.parse().map_err(|_| wrong())?,
        })
    }

    /// The digest to post at `now`, if one is due and still worth posting:
    /// from its time until the end of the next day (a Monday digest caught
    /// up after downtime goes out on Tuesday at the latest).
    pub fn due(&self, now: DateTime<Utc>) -> Option<DueDigest> {
        let local_today = now.with_timezone(&self.tz).date_naive();
        let back = (7 + local_today.weekday().num_days_from_monday() - self.weekday.num_days_from_monday()) % 7;
        let mut week = local_today - Duration::days(i64::from(back));
        if resolve_local(self.tz, week, self.at) > now {
            week -= Duration::days(7);
        }
        let due_at = resolve_local(self.tz, week, self.at);
        let give_up = resolve_local(self.tz, week + Duration::days(2), NaiveTime::MIN);
        (now < give_up).then_some(DueDigest { week, due_at, late: now - due_at > LATE_AFTER })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_schedule_reads_day_time_and_zone() {
        let schedule = DigestSchedule::parse("mon 10:00 UTC").unwrap();
        assert_eq!(schedule, DigestSchedule::default());
        assert!(DigestSchedule::parse("monday at ten").is_err());
        assert_eq!(DigestSchedule::parse("fri 16:30 Africa/Johannesburg").unwrap().weekday, Weekday::Fri);
    }

    #[test]
    fn a_digest_is_due_from_its_time_until_tuesday_ends_and_late_after_an_hour() {
        let schedule = DigestSchedule::default();
        assert_eq!(schedule.due(at("2025-10-27T09:59:00Z")), None, "Sunday's and Monday's morning: nothing due");
        let on_time = schedule.due(at("2025-10-27T10:00:00Z")).unwrap();
        assert_eq!((on_time.week.to_string().as_str(), on_time.late), ("2025-10-27", false));
        let caught_up = schedule.due(at("2025-10-28T15:00:00Z")).unwrap();
        assert_eq!((caught_up.week.to_string().as_str(), caught_up.late), ("2025-10-27", true));
        assert_eq!(schedule.due(at("2025-10-29T00:00:00Z")), None, "not posted after Tuesday");
    }
}
