//! planbot: runs the autorisen team's project plan from Slack.

pub mod command;
pub mod plan;
pub mod slack;
pub mod store;
