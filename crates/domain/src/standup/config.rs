//! How the team runs its standup: which days, when people are asked, when
//! the summary goes out, what is asked. Defaults come from the environment;
//! editors change the stored copy with `/plan standup config`.

use std::fmt;
use std::time::Duration;

use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// The questions asked when nobody configured others.
pub const DEFAULT_QUESTIONS: [&str; 3] =
    ["What did you get done since your last update?", "What will you do today?", "Anything blocking you?"];

/// At most this many questions fit a modal next to the task selects.
pub const MAX_QUESTIONS: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{0:?} is not a list of days: use e.g. mon-fri or mon,wed,fri")]
    Days(String),
    #[error("{0:?} is not a time of day: use HH:MM, e.g. 09:30")]
    Time(String),
    #[error("{0:?} is not a delay: use e.g. 2h, 90m or off")]
    Delay(String),
    #[error("a standup needs at least one question")]
    NoQuestions,
    #[error("a standup asks at most {MAX_QUESTIONS} questions")]
    TooManyQuestions,
}

/// A set of weekdays, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Weekdays(u8);

impl Weekdays {
    pub const MON_FRI: Weekdays = Weekdays(0b0001_1111);

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    fn with(self, day: Weekday) -> Weekdays {
        Weekdays(self.0 | (1 << day.num_days_from_monday()))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Parses `mon-fri`, `mon,wed,fri`, `sun-thu` or `daily`.
    pub fn parse(text: &str) -> Result<Weekdays, ConfigError> {
        let wrong = || ConfigError::Days(text.to_owned());
        let text = text.trim().to_ascii_lowercase();
        if text == "daily" || text == "every day" {
            return Ok(Weekdays(0b0111_1111));
        }
        let mut days = Weekdays(0);
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('-') {
                Some((from, to)) => {
                    let (mut day, last) = (weekday(from).ok_or_else(wrong)?, weekday(to).ok_or_else(wrong)?);
                    days = days.with(day);
                    while day != last {
                        day = day.succ();
                        days = days.with(day);
                    }
                }
                None => days = days.with(weekday(part).ok_or_else(wrong)?),
            }
        }
        if days.is_empty() { Err(wrong()) } else { Ok(days) }
    }
}

fn weekday(text: &str) -> Option<Weekday> {
    let text = text.trim();
    if text.len() < 3 {
        return None;
    }
    text.parse().ok()
}

impl fmt::Display for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = (0..7)
            .map(|n| Weekday::try_from(n).unwrap_or(Weekday::Mon))
            .filter(|day| self.contains(*day))
            .map(short_name)
            .collect();
        f.write_str(&names.join(","))
    }
}

fn short_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

impl TryFrom<String> for Weekdays {
    type Error = ConfigError;
    fn try_from(text: String) -> Result<Weekdays, ConfigError> {
        Weekdays::parse(&text)
    }
}

impl From<Weekdays> for String {
    fn from(days: Weekdays) -> String {
        days.to_string()
    }
}

pub fn parse_time(text: &str) -> Result<NaiveTime, ConfigError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| ConfigError::Time(text.to_owned()))
}

/// Parses `2h`, `90m`, `1h30m` or `off` (no reminder).
pub fn parse_delay(text: &str) -> Result<Option<Duration>, ConfigError> {
    let wrong = || ConfigError::Delay(text.to_owned());
    let text = text.trim().to_ascii_lowercase();
    if matches!(text.as_str(), "off" | "none" | "no" | "0") {
        return Ok(None);
    }
    let (mut minutes, mut number) = (0u64, String::new());
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' => {
                let value: u64 = number.parse().map_err(|_| wrong())?;
                minutes += if c == 'h' { value * 60 } else { value };
                number.clear();
            }
            _ => return Err(wrong()),
        }
    }
    if !number.is_empty() || minutes == 0 || minutes > 24 * 60 {
        return Err(wrong());
    }
    Ok(Some(Duration::from_secs(minutes * 60)))
}

/// The standup's settings as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandupConfig {
    pub days: Weekdays,
    /// When each person is asked, in their own time zone.
    #[serde(with = "hh_mm")]
    pub prompt_at: NaiveTime,
    /// How long after the prompt a reminder goes to those who have not
    /// answered; `None` sends none.
    #[serde(with = "minutes")]
    pub remind_after: Option<Duration>,
    /// When the summary is posted, in the team's time zone.
    #[serde(with = "hh_mm")]
    pub summary_at: NaiveTime,
    /// Where the summary is posted (a channel id or `#name`).
    pub channel: Option<String>,
    pub questions: Vec<String>,
    /// Whether people who did not answer are @-mentioned in the summary
    /// (otherwise they are listed by name, and nobody is pinged).
    pub mention_missing: bool,
}

impl StandupConfig {
    pub fn new(channel: Option<String>) -> StandupConfig {
        StandupConfig {
            days: Weekdays::MON_FRI,
            prompt_at: NaiveTime::from_hms_opt(9, 30, 0).unwrap_or_default(),
            remind_after: Some(Duration::from_secs(2 * 3600)),
            summary_at: NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default(),
            channel,
            questions: DEFAULT_QUESTIONS.iter().map(|q| (*q).to_owned()).collect(),
            mention_missing: false,
        }
    }

    /// Checks what an editor typed into the config modal.
    pub fn validated(self) -> Result<StandupConfig, ConfigError> {
        if self.questions.is_empty() {
            return Err(ConfigError::NoQuestions);
        }
        if self.questions.len() > MAX_QUESTIONS {
            return Err(ConfigError::TooManyQuestions);
        }
        Ok(self)
    }

    /// `2h`, `90m` or `off`, the way people type it.
    pub fn remind_after_text(&self) -> String {
        match self.remind_after {
            None => "off".to_owned(),
            Some(delay) => {
                let minutes = delay.as_secs() / 60;
                match (minutes / 60, minutes % 60) {
                    (0, m) => format!("{m}m"),
                    (h, 0) => format!("{h}h"),
                    (h, m) => format!("{h}h{m}m"),
                }
            }
        }
    }
}

mod hh_mm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&time.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_time(&text).map_err(serde::de::Error::custom)
    }
}

mod minutes {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(delay: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match delay {
            Some(delay) => s.serialize_some(&(delay.as_secs() / 60)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(|m| Duration::from_secs(m * 60)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_ranges_lists_and_wraparound() {
        assert_eq!(Weekdays::parse("mon-fri").unwrap(), Weekdays::MON_FRI);
        let days = Weekdays::parse("Mon, Wed ,fri").unwrap();
        assert!(days.contains(Weekday::Wed) && !days.contains(Weekday::Tue));
        let middle_east = Weekdays::parse("sun-thu").unwrap();
        assert!(middle_east.contains(Weekday::Sun) && middle_east.contains(Weekday::Thu));
        assert!(!middle_east.contains(Weekday::Fri));
        assert_eq!(middle_east.to_string(), "mon,tue,wed,thu,sun");
        assert!(Weekdays::parse("weekdays").is_err());
        assert!(Weekdays::parse("").is_err());
    }

    #[test]
    fn delays_read_hours_minutes_and_off() {
        assert_eq!(parse_delay("2h").unwrap(), Some(Duration::from_secs(7200)));
        assert_eq!(parse_delay("1h30m").unwrap(), Some(Duration::from_secs(5400)));
        assert_eq!(parse_delay("off").unwrap(), None);
        assert!(parse_delay("2 hours").is_err());
        assert!(parse_delay("h").is_err());
    }

    #[test]
    fn config_round_trips_through_json() {
        let mut config = StandupConfig::new(Some("C0OPS".into()));
        config.remind_after = Some(Duration::from_secs(5400));
        let json = serde_json::to_string(&config).unwrap();
        assert!(json.contains("\"prompt_at\":\"09:30\""), "{json}");
        assert_eq!(serde_json::from_str::<StandupConfig>(&json).unwrap(), config);
        assert_eq!(config.remind_after_text(), "1h30m");
    }
}
