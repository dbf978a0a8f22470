//! The Slack side of the wire: request signatures, the payloads Slack
//! sends (slash commands, interactions, events), Block Kit rendering of a
//! reply within Slack's limits, and planbot's Web API client.

pub mod blocks;
pub mod events;
pub mod interaction;
pub mod markup;
pub mod modals;
pub mod probe;
mod rate_gate;
pub mod respond;
mod signature;
mod slash_command;
pub mod web;

pub use planbot_domain::people::{InvalidSlackUserId, SlackUserId};
pub use signature::{EmptySigningSecret, SignatureError, SigningSecret};
/// Slack's view model (modals, the Home tab), for the layers that build views.
pub use slack_morphism::prelude::SlackView;
pub use slash_command::{SlashCommand, SlashCommandError, SlashCommandForm};
