//! The Slack side of the wire: request signatures, payloads, Block Kit.

pub mod blocks;
mod ids;
pub mod interaction;
pub mod markup;
pub mod modals;
pub mod notify;
mod signature;
mod slash_command;
pub mod web;

pub use ids::{InvalidSlackUserId, SlackUserId};
pub use signature::{EmptySigningSecret, SignatureError, SigningSecret};
pub use slash_command::{SlashCommand, SlashCommandError, SlashCommandForm};
