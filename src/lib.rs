//! planbot: runs the autorisen team's project plan from Slack.
pub mod plan;
