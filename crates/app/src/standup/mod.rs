//! Async daily standups: the service that sends prompts, reminders and
//! summaries exactly once (`service`), records answers (`answers`), posts
//! what the team reads (`summary`, `messages`), its forms (`forms`) and
//! its commands, and the nudges for stalled blockers (`nudges`). The rules (calendar, settings, what an answer says) are
//! the domain's (`planbot_domain::standup`).

mod answers;
pub mod commands;
mod drafts;
pub mod forms;
pub mod messages;
pub mod nudges;
mod service;
mod summary;

pub use answers::MESSAGE_QUESTION;
pub use planbot_domain::standup::*;
pub use service::{Recorded, Sent, StandupError, Standups, TICK_EVERY};
