//! Test support: the far side of the wire, played exactly as Slack plays
//! it (form-encoded, v0-signed requests), plus fresh databases per test.

pub mod databases;
pub mod fake_github;
pub mod fake_slack;
pub mod fake_socket;
pub mod process;
pub mod team;

/// Runs each named `async fn case(store: Arc<dyn Store>)` twice: on a
/// fresh SQLite file, and on a fresh PostgreSQL database when a server is
/// reachable (skipped with a `NOTICE:` otherwise).
#[allow(unused_macros)]
macro_rules! on_both_engines {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $case() { super::$case(super::support::databases::sqlite().await).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $case() {
                if let Some(store) = super::support::databases::postgres(stringify!($case)).await {
                    assert_eq!(store.engine(), planbot::store::Engine::Postgres);
                    super::$case(store).await;
                }
            })*
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_both_engines;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use planbot::clock::{Clock, SystemClock};
use planbot::plan::REQUIRED_COLUMNS;
use planbot::slack::{SigningSecret, SlackUserId};
use planbot::source::{BuiltinExample, InMemory, LivePlan, PlanFiles, PlanSource};
use planbot::store::{Store, spawn_command_log};
use planbot::writeback::{Committer, PlanWriter};
use planbot::{AppState, router};
use planbot_app::dispatch::{App, Parts, Services};
use serde_json::Value;
use tower::ServiceExt;

pub const SIGNING_SECRET: &str = "e2e-signing-secret-0123456789abcdef";
pub const USER: &str = "U2CERLKJA";

pub struct TestApp {
    pub router: Router,
    /// The application behind the router (Socket Mode drives the same one).
    pub app: Arc<App>,
    /// Works off kept deliveries, as in `serve`.
    inbox: Arc<tokio::sync::Mutex<Option<planbot_app::dispatch::InboxWorker>>>,
    pub secret: SigningSecret,
    pub store: Arc<dyn Store>,
    pub plan: Arc<LivePlan>,
    committer: Option<Arc<Committer>>,
    /// Requests are signed at this clock's time (the app checks them
    /// against it).
    pub clock: Arc<dyn Clock>,
    /// The app's standup service, when started with one.
    pub standups: Option<Arc<planbot::standup::Standups>>,
    /// The weekly digest, started with the standups.
    pub digests: Option<Arc<planbot::digest::Digests>>,
    pub home: Option<Arc<planbot::home::Home>>,
}

/// How to run the standup in a test app.
pub struct StandupSetup {
    pub team_tz: chrono_tz::Tz,
    pub config: planbot::standup::StandupConfig,
    pub fan_out: usize,
    /// The plan repository's activity, for standup drafts.
    pub activity: Option<Arc<dyn planbot::source::RepoActivity>>,
}

pub struct SlackResponse {
    pub status: StatusCode,
    pub body: String,
}

impl SlackResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// Every mrkdwn text Slack would display, joined by newlines.
    pub fn shown_text(&self) -> String {
        let mut texts = Vec::new();
        collect_texts(&self.json()["blocks"], &mut texts);
        texts.join("\n")
    }
}

fn collect_texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(text)) = map.get("text") {
                out.push(text.clone());
            }
            map.values().for_each(|v| collect_texts(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_texts(v, out)),
        _ => {}
    }
}

/// A plan CSV with the schema header and the given rows.
pub fn csv(rows: &[&str]) -> String {
    format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n"))
}

pub fn in_memory(csv: String, markdown: Option<&str>) -> Arc<dyn PlanSource> {
    Arc::new(InMemory::new("test plan", PlanFiles { csv: Some(csv), markdown: markdown.map(str::to_owned) }))
}

pub async fn example_app() -> TestApp {
    TestApp::start(Arc::new(BuiltinExample), databases::sqlite().await).await
}

/// A plan folder the app can write to, and who may edit it.
pub struct Writable {
    pub writer: Arc<dyn PlanWriter>,
    pub editors: Vec<SlackUserId>,
    /// The app's clock (the system clock when `None`).
    pub clock: Option<Arc<dyn Clock>>,
    /// The Slack Web API the app talks to (modals), if any.
    pub slack: Option<planbot::slack::web::SlackWeb>,
}

impl TestApp {
    pub async fn start(source: Arc<dyn PlanSource>, store: Arc<dyn Store>) -> TestApp {
        TestApp::start_with(source, store, None).await
    }

    /// A read-only app on a plan that is already live (loaded or not).
    pub async fn start_with_plan(plan: Arc<LivePlan>, store: Arc<dyn Store>) -> TestApp {
        TestApp::build_on(plan, store, None, None, None).await
    }

    /// Like `start_with`, with authors and alerts told through `notifier`.
    pub async fn start_with_notifier(
        source: Arc<dyn PlanSource>,
        store: Arc<dyn Store>,
        writable: Writable,
        notifier: Arc<dyn planbot::writeback::Notifier>,
    ) -> TestApp {
        TestApp::build(source, store, Some(writable), Some(notifier)).await
    }

    /// An app whose edits go to `writable.writer`. The committer is not
    /// running: tests call `app.committer().drain()` when they choose.
    pub async fn start_with(source: Arc<dyn PlanSource>, store: Arc<dyn Store>, writable: Option<Writable>) -> TestApp {
        TestApp::build(source, store, writable, None).await
    }

    async fn build(
        source: Arc<dyn PlanSource>,
        store: Arc<dyn Store>,
        writable: Option<Writable>,
        notifier: Option<Arc<dyn planbot::writeback::Notifier>>,
    ) -> TestApp {
        TestApp::build_with_standups(source, store, writable, notifier, None).await
    }

    /// An app running standups as `setup` says (Slack, editors and clock
    /// from `writable`).
    pub async fn start_standups(
        source: Arc<dyn PlanSource>,
        store: Arc<dyn Store>,
        writable: Writable,
        setup: StandupSetup,
    ) -> TestApp {
        TestApp::build_with_standups(source, store, Some(writable), None, Some(setup)).await
    }

    async fn build_with_standups(
        source: Arc<dyn PlanSource>,
        store: Arc<dyn Store>,
        writable: Option<Writable>,
        notifier: Option<Arc<dyn planbot::writeback::Notifier>>,
        standup: Option<StandupSetup>,
    ) -> TestApp {
        let clock: Arc<dyn Clock> =
            writable.as_ref().and_then(|w| w.clock.clone()).unwrap_or_else(|| Arc::new(SystemClock));
        let plan = Arc::new(LivePlan::load(source, Arc::clone(&clock)).await.expect("plan loads"));
        TestApp::build_on(plan, store, writable, notifier, standup).await
    }

    async fn build_on(
        plan: Arc<LivePlan>,
        store: Arc<dyn Store>,
        writable: Option<Writable>,
        notifier: Option<Arc<dyn planbot::writeback::Notifier>>,
        standup: Option<StandupSetup>,
    ) -> TestApp {
        let clock: Arc<dyn Clock> =
            writable.as_ref().and_then(|w| w.clock.clone()).unwrap_or_else(|| Arc::new(SystemClock));
        let secret = SigningSecret::new(SIGNING_SECRET).expect("secret");
        let (command_log, _writer) = spawn_command_log(Arc::clone(&store));
        let mut parts = Parts::new(Arc::clone(&plan), Arc::clone(&store), Arc::clone(&clock));
        parts.command_log = Some(command_log);
        parts.slack = writable.as_ref().and_then(|w| w.slack.clone());
        let committer = writable.map(|Writable { writer, editors, .. }| {
            parts.editors = editors;
            let committer =
                Committer::new(Arc::clone(&store), writer, Arc::clone(&clock)).with_live_plan(Arc::clone(&plan));
            Arc::new(match notifier {
                Some(notifier) => committer.with_notifier(notifier),
                None => committer,
            })
        });
        parts.committer = committer.as_ref().map(|c| c.waker());
        parts.activity = standup.as_ref().and_then(|setup| setup.activity.clone());
        parts.services = standup.map(|setup| Services {
            team_tz: setup.team_tz,
            digest_channel: setup.config.channel.clone(),
            standup: setup.config,
            digest_schedule: planbot::digest::DigestSchedule::default(),
            digest_chart: planbot::digest::ChartStyle::default(),
            blocker_nudge_after: planbot::blockers::DEFAULT_NUDGE_AFTER,
            task_previews: true,
            fan_out: Some(setup.fan_out),
        });
        let app = Arc::new(parts.assemble());
        let inbox = Arc::new(tokio::sync::Mutex::new(Some(app.spawn_inbox())));
        let state = AppState::new(Arc::clone(&app), Some(secret.clone()));
        TestApp {
            router: router(Arc::new(state)),
            secret,
            store,
            plan,
            committer,
            clock,
            standups: app.standups().cloned(),
            digests: app.digests().cloned(),
            home: app.home().cloned(),
            app,
            inbox,
        }
    }

    /// An app whose only job here is GitHub's push webhook.
    pub async fn start_webhook(hook: planbot::http::GitHubWebhook) -> TestApp {
        let mut app = TestApp::start(Arc::new(BuiltinExample), databases::sqlite().await).await;
        let mut state = AppState::new(Arc::clone(&app.app), Some(app.secret.clone()));
        state.github_webhook = Some(hook);
        app.router = router(Arc::new(state));
        app
    }

    /// GitHub's push delivery, signed as GitHub signs it.
    pub async fn github_push(&self, body: &str, signature: &str, delivery: &str) -> StatusCode {
        let request = Request::post("/github/webhook")
            .header("content-type", "application/json")
            .header("x-github-event", "push")
            .header("x-github-delivery", delivery)
            .header("x-hub-signature-256", signature)
            .body(Body::from(body.to_owned()))
            .expect("request");
        self.send(request).await.status
    }

    /// Waits until every kept delivery has been worked off (the inbox
    /// holds nothing pending), so that what the deliveries did can be
    /// checked, and what they did not do can be too.
    pub async fn inbox_settled(&self) {
        for _ in 0..1000 {
            let depth = self.store.inbox().inbox_depth().await.expect("inbox readable");
            if depth.pending == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the inbox still holds deliveries after 10 s");
    }

    /// Stops working off the inbox, as `serve` does on SIGTERM: the
    /// delivery in hand finishes, the rest wait for the next start.
    pub async fn stop_inbox(&self) {
        if let Some(worker) = self.inbox.lock().await.take() {
            worker.stop().await;
        }
    }

    pub fn committer(&self) -> &Committer {
        self.committer.as_deref().expect("this app was started with a writable plan")
    }

    /// `/plan TEXT` typed by `user`, signed now with the app's secret.
    pub async fn slash(&self, user: &str, text: &str) -> SlackResponse {
        self.slash_with_trigger(user, text, &format!("{}.{}", rand_suffix(), text.len())).await
    }

    /// `/plan TEXT` whose `response_url` is `response_url` (a fake's).
    pub async fn slash_answering_to(&self, user: &str, text: &str, response_url: &str) -> SlackResponse {
        let body = slash_form(user, text).replace(
            &serde_urlencoded::to_string([("response_url", "https://hooks.slack.com/commands/1234/5678")]).unwrap(),
            &serde_urlencoded::to_string([("response_url", response_url)]).unwrap(),
        );
        let timestamp = self.clock.now().timestamp().to_string();
        let signature = self.secret.sign(&timestamp, body.as_bytes());
        self.post("/slack/commands", body, Some(&timestamp), Some(&signature)).await
    }

    /// The same, with Slack's `trigger_id` chosen by the test (Slack sends
    /// the same one again when it redelivers a request).
    pub async fn slash_with_trigger(&self, user: &str, text: &str, trigger_id: &str) -> SlackResponse {
        let body = slash_form_with_trigger(user, text, trigger_id);
        let timestamp = self.clock.now().timestamp().to_string();
        let signature = self.secret.sign(&timestamp, body.as_bytes());
        self.post("/slack/commands", body, Some(&timestamp), Some(&signature)).await
    }

    /// An interaction payload posted as Slack posts it (form field
    /// `payload`, signed now).
    pub async fn interact(&self, payload: &serde_json::Value) -> SlackResponse {
        let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form encodes");
        let timestamp = self.clock.now().timestamp().to_string();
        let signature = self.secret.sign(&timestamp, body.as_bytes());
        self.post("/slack/interactions", body, Some(&timestamp), Some(&signature)).await
    }

    /// An Events API delivery, signed now; `retry` is Slack's
    /// `X-Slack-Retry-Num` on a redelivery.
    pub async fn event(&self, payload: &serde_json::Value, retry: Option<u32>) -> SlackResponse {
        let body = payload.to_string();
        let timestamp = self.clock.now().timestamp().to_string();
        let signature = self.secret.sign(&timestamp, body.as_bytes());
        let mut request = Request::post("/slack/events")
            .header("content-type", "application/json")
            .header("X-Slack-Request-Timestamp", timestamp.as_str())
            .header("X-Slack-Signature", signature.as_str());
        if let Some(retry) = retry {
            request =
                request.header("X-Slack-Retry-Num", retry.to_string()).header("X-Slack-Retry-Reason", "http_timeout");
        }
        self.send(request.body(Body::from(body)).expect("request")).await
    }

    pub async fn post(
        &self,
        path: &str,
        body: String,
        timestamp: Option<&str>,
        signature: Option<&str>,
    ) -> SlackResponse {
        let mut request = Request::post(path).header("content-type", "application/x-www-form-urlencoded");
        if let Some(timestamp) = timestamp {
            request = request.header("X-Slack-Request-Timestamp", timestamp);
        }
        if let Some(signature) = signature {
            request = request.header("X-Slack-Signature", signature);
        }
        self.send(request.body(Body::from(body)).expect("request")).await
    }

    pub async fn get(&self, path: &str) -> SlackResponse {
        self.send(Request::get(path).body(Body::empty()).expect("request")).await
    }

    async fn send(&self, request: Request<Body>) -> SlackResponse {
        let response = self.router.clone().oneshot(request).await.expect("router answers");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        SlackResponse { status, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// Waits until the command log holds `count` records (it is written
    /// off the request path), then returns them, newest first.
    pub async fn logged_commands(&self, count: usize) -> Vec<planbot::store::CommandRecord> {
        for _ in 0..200 {
            let records = self.store.recent_commands(100).await.expect("log readable");
            if records.len() >= count {
                return records;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the command log never reached {count} records");
    }

    /// Waits until the log's usage counts add up to `total` questions
    /// (they are written off the request path), then returns them.
    pub async fn counted_questions(&self, total: u64) -> Vec<planbot::store::UsageCount> {
        let since = chrono::DateTime::UNIX_EPOCH;
        for _ in 0..300 {
            let counts = self.store.usage_since(since).await.expect("usage readable");
            if counts.iter().map(|count| count.answered).sum::<u64>() >= total {
                return counts;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the command log never counted {total} questions");
    }
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`, GitHub's webhook signature.
pub fn github_signature(secret: &str, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// A fresh trigger id per request, as Slack gives.
fn rand_suffix() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The form Slack posts for a slash command, field for field.
pub fn slash_form(user: &str, text: &str) -> String {
    slash_form_with_trigger(user, text, "13345224609.738474920.8088930838d88f008e0")
}

pub fn slash_form_with_trigger(user: &str, text: &str, trigger_id: &str) -> String {
    serde_urlencoded::to_string([
        ("token", "gIkuvaNzQIHg97ATvDxqgjtO"),
        ("team_id", "T0001"),
        ("team_domain", "autorisen"),
        ("channel_id", "C2147483705"),
        ("channel_name", "autorisen-ops"),
        ("user_id", user),
        ("user_name", "roadrunner"),
        ("command", "/plan"),
        ("text", text),
        ("api_app_id", "A123456"),
        ("response_url", "https://hooks.slack.com/commands/1234/5678"),
        ("trigger_id", trigger_id),
    ])
    .expect("form encodes")
}
