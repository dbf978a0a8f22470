//! The Slack side of the wire: request signatures, payloads, Block Kit.

mod ids;

pub use ids::{InvalidSlackUserId, SlackUserId};
