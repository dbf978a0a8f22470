//! Writing queued edits back to the plan's home without losing or
//! clobbering anything.
//!
//! The committer claims due edits from the outbox, re-reads the newest
//! plan, applies each edit at record level (a field someone changed since
//! the author saw it is a conflict, never overwritten), regenerates the
//! Markdown plan block, and writes both files as one change. A write that
//! finds the plan moved underneath it starts over from the new plan.

mod committer;
mod message;
mod notices;
mod notify;

pub use committer::{Committer, DrainReport};
pub use message::commit_message;
pub use notices::{APPLY_ANYWAY, settled_reply};
pub use notify::{Notice, Notifier, Outcome as NoticeOutcome};
pub use planbot_source::{Head, PlanWriter, Revision, WriteError, Written};
