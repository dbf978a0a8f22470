//! The standup's rules: its settings (days, times, questions), each
//! person's calendar (when they are asked, inside which answer window),
//! what an answer says (blockers, status words naming tasks), and the
//! update drafted from a person's commits and pull requests (`draft`).

mod answer;
mod calendar;
mod config;
pub mod draft;

pub use answer::{Answer, AnswerSource, MentionedChange, Response, mentioned_changes};
pub use calendar::{Calendar, resolve_local};
pub use config::{ConfigError, DEFAULT_QUESTIONS, MAX_QUESTIONS, StandupConfig, Weekdays, parse_delay, parse_time};
