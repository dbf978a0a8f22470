//! The Socket Mode transport: Slack's payloads over WebSockets that
//! planbot opens itself with the app-level token, so no public URL is
//! needed. slack-morphism's Socket Mode client keeps the connections (it
//! reconnects after a `disconnect` frame or a dropped socket); every
//! payload it reads goes to the same application entry points as HTTP, and
//! the acknowledgement carries what the HTTP response would.
//!
//! The callbacks are plain functions (slack-morphism's contract), so the
//! application reaches them through the listener's user state.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use slack_morphism::prelude::{
    SlackApiToken, SlackApiTokenValue, SlackClient, SlackClientEventsListenerEnvironment, SlackClientEventsUserState,
    SlackClientSocketModeConfig, SlackClientSocketModeListener, SlackCommandEvent, SlackCommandEventResponse,
    SlackInteractionEvent, SlackInteractionResponse, SlackPushEventCallback, SlackSocketModeListenerCallbacks,
    SlackViewSubmissionErrorsResponse, SlackViewSubmissionResponse, UserCallbackResult,
};

use planbot_app::dispatch::{Ack, App, DispatchError};
use planbot_slack::SlashCommand;
use planbot_slack::blocks::command_response;
use planbot_slack::web::{Connector, SlackWebError, connector};

/// What `/api/health` says about Socket Mode.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SocketModeHealth {
    /// `connecting`, `connected` or `reconnecting`.
    pub state: &'static str,
    /// Connections Slack counted at the last `hello`.
    pub connections: u32,
    /// `hello`s received: one per connection opened.
    pub connects: u64,
    pub last_connected_at: Option<DateTime<Utc>>,
    /// The last failure of a connection, until the next `hello`.
    pub last_error: Option<String>,
}

/// Socket Mode's connection state, as the callbacks see it.
#[derive(Debug)]
pub struct SocketStatus(Mutex<SocketModeHealth>);

impl Default for SocketStatus {
    fn default() -> SocketStatus {
        SocketStatus(Mutex::new(SocketModeHealth {
            state: "connecting",
            connections: 0,
            connects: 0,
            last_connected_at: None,
            last_error: None,
        }))
    }
}

impl SocketStatus {
    pub fn health(&self) -> SocketModeHealth {
        self.lock().clone()
    }

    pub fn is_connected(&self) -> bool {
        self.lock().state == "connected"
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SocketModeHealth> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn connected(&self, connections: u32) {
        let mut health = self.lock();
        health.state = "connected";
        health.connections = connections;
        health.connects += 1;
        health.last_connected_at = Some(Utc::now());
        health.last_error = None;
    }

    fn failed(&self, error: String) {
        let mut health = self.lock();
        health.state = "reconnecting";
        health.last_error = Some(error);
    }
}

/// What the callbacks share.
struct Shared {
    app: Arc<App>,
    status: Arc<SocketStatus>,
}

/// Why a payload was not acknowledged (Slack delivers it again).
#[derive(Debug, thiserror::Error)]
enum Unacknowledged {
    #[error("planbot is not set up for Socket Mode callbacks")]
    NoState,
    #[error(transparent)]
    NotKept(#[from] DispatchError),
}

pub struct SocketMode {
    listener: SlackClientSocketModeListener<Connector>,
    status: Arc<SocketStatus>,
}

impl SocketMode {
    /// Opens the connections and starts reading payloads.
    pub async fn start(app: Arc<App>, api_url: &str, app_token: &str) -> Result<SocketMode, SlackWebError> {
        let client = Arc::new(SlackClient::new(connector(api_url)?));
        let status = Arc::new(SocketStatus::default());
        let environment = SlackClientEventsListenerEnvironment::new(client)
            .with_error_handler(on_error)
            .with_user_state(Shared { app, status: Arc::clone(&status) });
        let callbacks = SlackSocketModeListenerCallbacks::new()
            // slack-morphism does not export the hello event's type by name.
            .with_hello_events(|hello, _client, states| on_hello(hello.num_connections, states))
            .with_command_events(on_command)
            .with_interaction_events(on_interaction)
            .with_push_events(on_push);
        let listener =
            SlackClientSocketModeListener::new(&SlackClientSocketModeConfig::new(), Arc::new(environment), callbacks);
        let token = SlackApiToken::new(SlackApiTokenValue(app_token.to_owned()));
        listener.listen_for(&token).await.map_err(|error| SlackWebError::new(error.to_string()))?;
        listener.start().await;
        Ok(SocketMode { listener, status })
    }

    pub fn status(&self) -> Arc<SocketStatus> {
        Arc::clone(&self.status)
    }

    /// Closes the connections; Slack sends what is left to another
    /// connection or instance.
    pub async fn stop(&self) {
        self.listener.shutdown().await;
    }
}

async fn shared(states: &SlackClientEventsUserState) -> Result<(Arc<App>, Arc<SocketStatus>), Unacknowledged> {
    let storage = states.read().await;
    let shared = storage.get_user_state::<Shared>().ok_or(Unacknowledged::NoState)?;
    Ok((Arc::clone(&shared.app), Arc::clone(&shared.status)))
}

/// Slack greets every new connection with how many the app now has.
async fn on_hello(connections: u32, states: SlackClientEventsUserState) {
    metrics::counter!("planbot_socket_mode_connects_total").increment(1);
    if let Ok((_, status)) = shared(&states).await {
        status.connected(connections);
        tracing::info!(connections, "Socket Mode connected");
    }
}

/// A slash command: its answer travels in the acknowledgement.
async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<SlackClient<Connector>>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    let (app, _) = shared(&states).await?;
    let payload = serde_json::to_value(&event)?;
    let slash = SlashCommand::from_value(&payload)?;
    match app.slash_command_rendered(&slash).await {
        Ok(answer) => Ok(serde_json::from_slice(&answer.json)?),
        Err(error) => {
            tracing::error!(error = %error, "command failed");
            Ok(command_response(&error.apology()))
        }
    }
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<SlackClient<Connector>>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackInteractionResponse> {
    let (app, _) = shared(&states).await?;
    let payload = serde_json::to_value(&event)?;
    let ack = app.interaction(&payload).await.map_err(Unacknowledged::NotKept)?;
    Ok(interaction_response(ack))
}

/// An Events API event: kept, then acknowledged. One that could not be
/// kept is not acknowledged, so Slack delivers it again.
async fn on_push(
    event: SlackPushEventCallback,
    _client: Arc<SlackClient<Connector>>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let (app, _) = shared(&states).await?;
    let mut payload = serde_json::to_value(&event)?;
    // The envelope's payload is an `event_callback`; slack-morphism hands
    // over the callback without its tag.
    if let Value::Object(fields) = &mut payload {
        fields.insert("type".into(), Value::String("event_callback".into()));
    }
    app.event(&payload).await.map_err(Unacknowledged::NotKept)?;
    Ok(())
}

fn interaction_response(ack: Ack) -> SlackInteractionResponse {
    match ack {
        Ack::FormErrors(errors) => {
            SlackViewSubmissionResponse::Errors(SlackViewSubmissionErrorsResponse::new(errors.into_iter().collect()))
                .into()
        }
        Ack::Empty | Ack::Reply(_) | Ack::Challenge(_) => SlackInteractionResponse::Empty,
    }
}

/// A payload planbot could not keep is left unacknowledged (any status
/// but a success), so Slack delivers it again; connection failures are
/// remembered for `/api/health`.
fn on_error(
    error: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<SlackClient<Connector>>,
    states: SlackClientEventsUserState,
) -> StatusCode {
    let message = error.to_string();
    if let Some(unacknowledged) = error.downcast_ref::<Unacknowledged>() {
        tracing::error!(error = %unacknowledged, "a Socket Mode payload was not kept; Slack will deliver it again");
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    tracing::warn!(error = %message, "Socket Mode error");
    if let Ok(storage) = states.try_read() {
        if let Some(shared) = storage.get_user_state::<Shared>() {
            shared.status.failed(message);
        }
    }
    // A payload that does not parse never parses better: acknowledge it.
    StatusCode::OK
}
