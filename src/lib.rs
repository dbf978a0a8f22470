//! planbot: runs the autorisen team's project plan from Slack.
//!
//! The layers are crates, so the compiler keeps them pointing down (see
//! `docs/ARCHITECTURE.md`): `planbot_domain` (the plan, people, standup
//! rules) ← `planbot_reply` (the reply model) ← the edges `planbot_store`,
//! `planbot_slack`, `planbot_source`, `planbot_github` ← `planbot_app` (the
//! application). This crate is the top: the transports (`http`), the
//! command line (`cli`) and the configuration that wires them.

pub mod cli;
pub mod config;
pub mod doctor;
pub mod http;
pub mod metrics;
pub mod socket;
pub mod wiring;

pub use http::{AppState, router};

// The layers below, under the names the command line and tests use.
pub use planbot_app::{
    blockers, command, digest, feed, history, home, jobs, notify, previews, standup, store_watch, writeback,
};
pub use planbot_domain::{clock, people, plan};
pub use planbot_github as github;
pub use planbot_reply as reply;
pub use planbot_slack as slack;
pub use planbot_source as source;
pub use planbot_store as store;
