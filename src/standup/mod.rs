//! Async daily standups: who is asked and when (`calendar`), what they
//! answer (`answer`), how the team reads it (`summary`), and the service
//! that sends prompts, reminders and summaries exactly once (`service`).

mod answer;
mod answers;
mod calendar;
pub mod commands;
mod config;
pub mod messages;
mod service;
mod summary;

pub use answer::{Answer, AnswerSource, MentionedChange, Response, mentioned_changes};
pub use answers::MESSAGE_QUESTION;
pub use calendar::{Calendar, resolve_local};
pub use config::{ConfigError, DEFAULT_QUESTIONS, MAX_QUESTIONS, StandupConfig, Weekdays, parse_delay, parse_time};
pub use service::{Recorded, Sent, StandupError, Standups, TICK_EVERY};
