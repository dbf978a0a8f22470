//! A fake Slack Web API (and `response_url` endpoint) that records what
//! planbot sends: bearer-token auth, Slack's `{"ok": …}` envelope, DM
//! channels from `conversations.open`, and `429` with `Retry-After` when a
//! test asks for it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

pub const BOT_TOKEN: &str = "xoxb-test-token";

/// One call planbot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
}

#[derive(Default)]
struct Recorded {
    calls: Vec<Call>,
    rate_limit_next: VecDeque<u64>,
}

#[derive(Clone)]
pub struct FakeSlack {
    recorded: Arc<Mutex<Recorded>>,
    pub base_url: String,
}

impl FakeSlack {
    pub async fn start() -> FakeSlack {
        let recorded = Arc::new(Mutex::new(Recorded::default()));
        let app = Router::new()
            .route("/api/{method}", post(api))
            .route("/response/{id}", post(response_url))
            .with_state(Arc::clone(&recorded));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("fake Slack serves") });
        FakeSlack { recorded, base_url: format!("http://{address}") }
    }

    pub fn api_url(&self) -> String {
        format!("{}/api", self.base_url)
    }

    pub fn response_url(&self, id: &str) -> String {
        format!("{}/response/{id}", self.base_url)
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        self.recorded.lock().unwrap().calls.iter().filter(|c| c.method == method).cloned().collect()
    }

    /// The next call answers `429` with `Retry-After: seconds`.
    pub fn rate_limit_next(&self, seconds: u64) {
        self.recorded.lock().unwrap().rate_limit_next.push_back(seconds);
    }

    /// Waits (briefly) until `count` calls of `method` arrived.
    pub async fn wait_for(&self, method: &str, count: usize) -> Vec<Call> {
        for _ in 0..200 {
            let calls = self.calls(method);
            if calls.len() >= count {
                return calls;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("Slack never got {count} {method} call(s): {:?}", self.calls(method));
    }
}

fn parse_body(headers: &HeaderMap, body: &[u8]) -> Value {
    let form = headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|t| t.contains("form"));
    if form {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        return Value::Object(pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    }
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

async fn api(
    State(recorded): State<Arc<Mutex<Recorded>>>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = parse_body(&headers, &body);
    let mut recorded = recorded.lock().unwrap();
    if let Some(seconds) = recorded.rate_limit_next.pop_front() {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", seconds.to_string())],
            axum::Json(json!({"ok": false, "error": "ratelimited"})),
        )
            .into_response();
    }
    let authorised = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {BOT_TOKEN}"));
    if !authorised {
        return axum::Json(json!({"ok": false, "error": "invalid_auth"})).into_response();
    }
    recorded.calls.push(Call { method: method.clone(), body: body.clone() });
    let answer = match method.as_str() {
        "conversations.open" => {
            let user = match &body["users"] {
                Value::String(users) => users.split(',').next().unwrap_or_default().to_owned(),
                Value::Array(users) => users.first().and_then(Value::as_str).unwrap_or_default().to_owned(),
                _ => String::new(),
            };
            json!({"ok": true, "channel": {"id": format!("D{user}")}})
        }
        "chat.postMessage" => {
            let ts = format!("1700000000.{:06}", recorded.calls.len());
            json!({"ok": true, "channel": body["channel"], "ts": ts, "message": {"type": "message", "ts": ts, "text": body["text"]}})
        }
        "views.open" => {
            let mut view = body["view"].clone();
            view["id"] = json!("V0123");
            view["team_id"] = json!("T0001");
            view["hash"] = json!("1700000000.abc");
            json!({"ok": true, "view": view})
        }
        _ => json!({"ok": false, "error": "unknown_method"}),
    };
    axum::Json(answer).into_response()
}

async fn response_url(
    State(recorded): State<Arc<Mutex<Recorded>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = parse_body(&headers, &body);
    recorded.lock().unwrap().calls.push(Call { method: format!("response_url:{id}"), body });
    (StatusCode::OK, "ok").into_response()
}
