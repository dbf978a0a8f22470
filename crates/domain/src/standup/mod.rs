//! The standup's rules: its settings (days, times, questions), each
//! person's calendar (when they are asked, inside which answer window),
//! and what an answer says (blockers, status words naming tasks).

mod answer;
mod calendar;
mod config;

pub use answer::{Answer, AnswerSource, MentionedChange, Response, mentioned_changes};
pub use calendar::{Calendar, resolve_local};
pub use config::{ConfigError, DEFAULT_QUESTIONS, MAX_QUESTIONS, StandupConfig, Weekdays, parse_delay, parse_time};
