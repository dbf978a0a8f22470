//! The Slack side of the wire: request signatures, payloads, Block Kit.

pub mod blocks;
pub mod events;
mod ids;
pub mod interaction;
pub mod markup;
pub mod modals;
pub mod notify;
pub mod previews;
mod rate_gate;
mod signature;
mod slash_command;
pub mod standup_forms;
pub mod web;

pub use ids::{InvalidSlackUserId, SlackUserId};
pub use signature::{EmptySigningSecret, SignatureError, SigningSecret};
pub use slash_command::{SlashCommand, SlashCommandError, SlashCommandForm};
