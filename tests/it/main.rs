//! The integration tests, in one binary: each module drives planbot from
//! the outside (signed HTTP requests, Socket Mode envelopes, the command
//! line) against fake Slack and GitHub servers that follow the public
//! contracts, on SQLite and, when reachable, PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod architecture;
mod blockers;
mod change_feed;
mod chaos;
mod cli;
mod conversation;
mod csv_document_properties;
mod damaged_plans;
mod digest;
mod doctor;
mod drafts;
mod example_plan;
mod fake_slack_contract;
mod github_writeback;
mod health_and_reload;
mod manifest;
mod markdown_plan;
mod metrics;
mod plan_edits;
mod secrets_in_logs;
mod slack_commands;
mod slack_interactions;
mod socket_mode;
mod standups;
mod store_contract;
mod timeouts;
