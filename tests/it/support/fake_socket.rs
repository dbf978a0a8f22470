//! Slack's Socket Mode, played as Slack plays it (docs.slack.dev "Using
//! Socket Mode"; python-slack-sdk's `socket_mode`):
//!
//! - `apps.connections.open` with the app-level token (`xapp-…`) gives a
//!   single-use WebSocket URL; a used or unknown ticket is refused;
//! - every connection starts with a `hello` frame;
//! - envelopes carry `envelope_id`, `type` (`slash_commands`,
//!   `interactive`, `events_api`), `payload`, `accepts_response_payload`,
//!   `retry_attempt` and `retry_reason`;
//! - an ack is `{"envelope_id": …}`, with `payload` when the envelope
//!   accepts one;
//! - an envelope not acked within the ack window is delivered again, on
//!   another open connection when there is one, up to three times; the
//!   envelopes of a connection that drops are delivered again at once;
//! - `disconnect` frames (`refresh_requested`, `warning`, `link_disabled`)
//!   ask the client to open a new connection; Slack closes the old one a
//!   little later.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};

/// The app-level token Socket Mode is opened with.
pub const APP_TOKEN: &str = "xapp-1-A0PLANBOT-1-test";
pub const APP_ID: &str = "A0PLANBOT";
/// Slack gives an app 3 s to acknowledge an envelope.
const ACK_WINDOW: Duration = Duration::from_secs(3);
const MAX_RETRIES: u32 = 3;
/// How long a test waits for something the client should do.
const PATIENCE: Duration = Duration::from_secs(20);

struct Connection {
    frames: mpsc::UnboundedSender<Frame>,
}

struct Envelope {
    kind: String,
    payload: Value,
    accepts_response_payload: bool,
    /// Deliveries so far (the first one included).
    deliveries: u32,
    sent_on: Option<u64>,
    sent_at: Instant,
    acks: Vec<Value>,
}

#[derive(Default)]
struct Hub {
    tickets: HashSet<String>,
    serial: u64,
    connections: BTreeMap<u64, Connection>,
    opened: u64,
    envelopes: BTreeMap<String, Envelope>,
    /// Envelopes waiting for an open connection, in order.
    waiting: Vec<String>,
}

/// The Socket Mode side of the fake Slack.
#[derive(Clone)]
pub struct SocketHub {
    hub: Arc<Mutex<Hub>>,
    changed: Arc<Notify>,
    port: u16,
}

impl SocketHub {
    pub async fn start() -> SocketHub {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let hub = SocketHub { hub: Arc::default(), changed: Arc::new(Notify::new()), port };
        let accepting = hub.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let hub = accepting.clone();
                tokio::spawn(async move { hub.serve(stream).await });
            }
        });
        let redelivering = hub.clone();
        tokio::spawn(async move { redelivering.redeliver_late().await });
        hub
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Hub> {
        self.hub.lock().unwrap()
    }

    /// `apps.connections.open`: a fresh single-use URL.
    pub fn open_url(&self) -> String {
        let mut hub = self.state();
        hub.serial += 1;
        let ticket = format!("ticket-{}", hub.serial);
        hub.tickets.insert(ticket.clone());
        format!("ws://127.0.0.1:{}/link/?ticket={ticket}&app_id={APP_ID}", self.port)
    }

    // The handshake callback's signature is tungstenite's.
    #[allow(clippy::result_large_err)]
    async fn serve(&self, stream: tokio::net::TcpStream) {
        let tickets = Arc::clone(&self.hub);
        let check_ticket = move |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
            let query = request.uri().query().unwrap_or_default();
            let ticket = query.split('&').find_map(|pair| pair.strip_prefix("ticket=")).unwrap_or_default();
            if tickets.lock().unwrap().tickets.remove(ticket) {
                Ok(response)
            } else {
                let mut refused = ErrorResponse::new(Some("invalid or used ticket".into()));
                *refused.status_mut() = tokio_tungstenite::tungstenite::http::StatusCode::UNAUTHORIZED;
                Err(refused)
            }
        };
        let Ok(socket) = tokio_tungstenite::accept_hdr_async(stream, check_ticket).await else { return };
        let (mut writer, mut reader) = socket.split();
        let (frames, mut outgoing) = mpsc::unbounded_channel::<Frame>();
        let id = {
            let mut hub = self.state();
            hub.serial += 1;
            hub.opened += 1;
            let id = hub.serial;
            hub.connections.insert(id, Connection { frames: frames.clone() });
            id
        };
        let hello = json!({
            "type": "hello", "num_connections": self.open_connections(),
            "connection_info": {"app_id": APP_ID},
            "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 18060},
        });
        let _ = frames.send(Frame::text(hello.to_string()));
        tokio::spawn(async move {
            while let Some(frame) = outgoing.recv().await {
                let closing = matches!(frame, Frame::Close(_));
                if writer.send(frame).await.is_err() || closing {
                    break;
                }
            }
        });
        self.flush_waiting();
        self.changed.notify_waiters();
        while let Some(Ok(frame)) = reader.next().await {
            if let Frame::Text(text) = frame {
                self.acknowledged(text.as_str());
            }
        }
        self.closed(id);
    }

    fn acknowledged(&self, text: &str) {
        let Ok(ack) = serde_json::from_str::<Value>(text) else { return };
        let Some(id) = ack["envelope_id"].as_str() else { return };
        if let Some(envelope) = self.state().envelopes.get_mut(id) {
            envelope.acks.push(ack.clone());
        }
        self.changed.notify_waiters();
    }

    /// A dropped connection's unacknowledged envelopes go out again at once.
    fn closed(&self, id: u64) {
        let mut hub = self.state();
        hub.connections.remove(&id);
        let orphans: Vec<String> = hub
            .envelopes
            .iter()
            .filter(|(_, e)| e.acks.is_empty() && e.sent_on == Some(id) && e.deliveries <= MAX_RETRIES)
            .map(|(envelope_id, _)| envelope_id.clone())
            .collect();
        for envelope_id in orphans {
            hub.send(&envelope_id, "connection_closed");
        }
        drop(hub);
        self.changed.notify_waiters();
    }

    /// Envelopes not acknowledged within the window are delivered again.
    async fn redeliver_late(&self) {
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let mut hub = self.state();
            let late: Vec<String> = hub
                .envelopes
                .iter()
                .filter(|(_, e)| e.acks.is_empty() && e.sent_on.is_some() && e.sent_at.elapsed() >= ACK_WINDOW)
                .filter(|(_, e)| e.deliveries <= MAX_RETRIES)
                .map(|(id, _)| id.clone())
                .collect();
            for envelope_id in late {
                hub.send(&envelope_id, "timeout");
            }
        }
    }

    fn flush_waiting(&self) {
        let mut hub = self.state();
        for envelope_id in std::mem::take(&mut hub.waiting) {
            hub.send(&envelope_id, "");
        }
    }

    pub fn open_connections(&self) -> usize {
        self.state().connections.len()
    }

    /// WebSocket connections opened so far.
    pub fn connections_opened(&self) -> u64 {
        self.state().opened
    }

    /// Waits until `count` connections have been opened in all.
    pub async fn wait_opened(&self, count: u64) {
        self.wait(|hub| hub.opened >= count, &format!("{count} connection(s) opened")).await;
    }

    /// Delivers an envelope and returns its id.
    pub fn send(&self, kind: &str, payload: Value, accepts_response_payload: bool) -> String {
        let mut hub = self.state();
        hub.serial += 1;
        let envelope_id = format!("{:08x}-4d0b-b6aa-{:012x}", hub.serial, hub.serial);
        hub.envelopes.insert(
            envelope_id.clone(),
            Envelope {
                kind: kind.to_owned(),
                payload,
                accepts_response_payload,
                deliveries: 0,
                sent_on: None,
                sent_at: Instant::now(),
                acks: Vec::new(),
            },
        );
        hub.send(&envelope_id, "");
        envelope_id
    }

    /// Waits for the first acknowledgement of an envelope.
    pub async fn ack(&self, envelope_id: &str) -> Value {
        self.wait(|hub| hub.envelopes.get(envelope_id).is_some_and(|e| !e.acks.is_empty()), "an ack").await;
        self.state().envelopes[envelope_id].acks[0].clone()
    }

    /// Every acknowledgement an envelope got, and how often it was sent.
    pub fn acks(&self, envelope_id: &str) -> (Vec<Value>, u32) {
        let hub = self.state();
        let envelope = &hub.envelopes[envelope_id];
        (envelope.acks.clone(), envelope.deliveries)
    }

    /// Sends the envelope again at once, as Slack does when it thinks the
    /// ack was lost (`retry_attempt` counts up).
    pub fn redeliver(&self, envelope_id: &str) {
        self.state().send(envelope_id, "timeout");
    }

    /// Asks every open connection to reconnect, then closes them as Slack
    /// does shortly after.
    pub fn disconnect(&self, reason: &str) {
        let frame = json!({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-socket-mode"}});
        let hub = self.state();
        for connection in hub.connections.values() {
            let _ = connection.frames.send(Frame::text(frame.to_string()));
        }
        let senders: Vec<_> = hub.connections.values().map(|c| c.frames.clone()).collect();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            for sender in senders {
                let _ = sender.send(Frame::Close(None));
            }
        });
    }

    /// Drops every connection without a word (a network failure).
    pub fn drop_connections(&self) {
        for connection in self.state().connections.values() {
            let _ = connection.frames.send(Frame::Close(None));
        }
    }

    async fn wait(&self, done: impl Fn(&Hub) -> bool, what: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let changed = self.changed.notified();
            if done(&self.state()) {
                return;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                panic!("Socket Mode: waited {PATIENCE:?} for {what}");
            }
        }
    }
}

impl Hub {
    /// Sends an envelope on an open connection (another one than last time
    /// when it can), or keeps it until one opens.
    fn send(&mut self, envelope_id: &str, retry_reason: &str) {
        let Some(envelope) = self.envelopes.get(envelope_id) else { return };
        let previous = envelope.sent_on;
        let target = self
            .connections
            .iter()
            .find(|(id, _)| Some(**id) != previous)
            .or_else(|| self.connections.iter().next())
            .map(|(id, connection)| (*id, connection.frames.clone()));
        let Some((connection, frames)) = target else {
            if !self.waiting.iter().any(|waiting| waiting == envelope_id) {
                self.waiting.push(envelope_id.to_owned());
            }
            return;
        };
        let Some(envelope) = self.envelopes.get_mut(envelope_id) else { return };
        let frame = json!({
            "envelope_id": envelope_id, "type": envelope.kind, "payload": envelope.payload,
            "accepts_response_payload": envelope.accepts_response_payload,
            "retry_attempt": envelope.deliveries, "retry_reason": retry_reason,
        });
        envelope.deliveries += 1;
        envelope.sent_on = Some(connection);
        envelope.sent_at = Instant::now();
        let _ = frames.send(Frame::text(frame.to_string()));
    }
}
