//! planbot: runs the autorisen team's project plan from Slack.
//!
//! `plan` is the domain (no I/O); `command` answers `/plan` questions;
//! `slack` is the wire format; `store` keeps planbot's own state; `source`
//! loads the plan; `http` is the edge; `cli` the binary's commands.

pub mod cli;
pub mod clock;
pub mod command;
pub mod config;
pub mod digest;
pub mod feed;
pub mod github;
pub mod home;
pub mod http;
pub mod jobs;
pub mod plan;
pub mod slack;
pub mod source;
pub mod standup;
pub mod store;
pub mod writeback;

pub use http::{AppState, router};
