//! The Monday digest: what happened to the plan last week and what needs
//! the meeting's attention (`content`), drawn as a chart (`chart`), posted
//! once a week on `DIGEST_SCHEDULE` (`schedule`, `service`).

pub mod chart;
pub mod content;
mod schedule;
mod service;

pub use content::{Digest, Snapshot, WeekFacts};
pub use schedule::{DigestSchedule, DueDigest, ScheduleError};
pub use service::{ChartStyle, DigestError, Digests};
