//! A fake Slack Web API (and `response_url` endpoint) that follows Slack's
//! public contracts closely enough to test planbot against it:
//!
//! - bearer-token auth (`not_authed`, `invalid_auth`) and Slack's
//!   `{"ok": …}` envelope, always HTTP 200, except rate limiting: `429`
//!   with `Retry-After: <whole seconds>` and `{"ok":false,"error":"ratelimited"}`;
//! - arguments as JSON, as a form or in the query string (slack-morphism
//!   sends `users.info`, `conversations.history` and
//!   `files.getUploadURLExternal` as `GET` with query parameters);
//! - users with time zones (`users.info`), messages and threads
//!   (`chat.postMessage`, `chat.update`, `conversations.history`), DMs
//!   (`conversations.open`), modals and the Home tab with view hashes
//!   (`views.open`, `views.update`, `views.publish`), and the external file
//!   upload flow (`files.getUploadURLExternal`, `POST upload_url`,
//!   `files.completeUploadExternal`);
//! - Block Kit's limits on what a message holds (50 blocks; one `table`
//!   of at most 100 rows of 20 cells; two `data_visualization` charts,
//!   each with a title of at most 50 characters and 1–12 uniquely named
//!   series of one point per category): a message past them is refused
//!   with `invalid_blocks`, as is any block of a type this workspace has
//!   been told to refuse ([`FakeSlack::refuse_block_type`]);
//! - per-method rate limits in Slack's tiers ([`Limits::slack_tiers`]),
//!   and injected faults ([`FakeSlack::rate_limit_next`],
//!   [`FakeSlack::fail_next`]).
//!
//! Every call that gets past auth and rate limiting is recorded
//! ([`FakeSlack::calls`]) with its arguments merged into one JSON object
//! (form and query values are strings, as Slack receives them).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Offset;
use chrono_tz::{OffsetName, Tz};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

pub use super::fake_socket::{APP_TOKEN, SocketHub};

pub const BOT_TOKEN: &str = "xoxb-test-token";
/// The workspace every user, view and file belongs to.
pub const TEAM_ID: &str = "T0001";
/// The bot user planbot posts as.
pub const BOT_ID: &str = "B0PLANBOT";
/// How many `chat.postMessage` calls one channel may make within one
/// `window / 60` slot (one second at Slack's scale): Slack allows "bursts
/// over" its one-per-second-per-channel limit "for short periods".
pub const POST_MESSAGE_BURST: u32 = 3;

/// One call planbot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
}

/// A message posted with `chat.postMessage`, as it stands now.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The channel Slack answered with (`D…` + user for a user id).
    pub channel: String,
    pub ts: String,
    /// The parent's `ts` for a reply in a thread.
    pub thread_ts: Option<String>,
    /// Empty when only `blocks` were sent.
    pub text: String,
    /// `Value::Null` when only `text` was sent.
    pub blocks: Value,
    /// How many `chat.update` calls changed it.
    pub updated: u32,
}

/// A file from the external upload flow, from `files.getUploadURLExternal` on.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadedFile {
    pub id: String,
    pub filename: String,
    /// Set by `files.completeUploadExternal` (the filename unless given).
    pub title: Option<String>,
    /// The raw bytes posted to the upload URL (a multipart body's file part).
    pub bytes: Vec<u8>,
    pub channel_id: Option<String>,
    pub thread_ts: Option<String>,
    pub initial_comment: Option<String>,
    /// `files.completeUploadExternal` succeeded for it.
    pub completed: bool,
}

/// Per-method rate limits in fixed windows measured from the fake's start.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Slack's window is one minute.
    pub window: Duration,
    /// Calls allowed per window, per method (all channels together).
    pub per_method: HashMap<String, u32>,
    /// `chat.postMessage` calls allowed per channel per window, and at most
    /// [`POST_MESSAGE_BURST`] of them in any `window / 60` slot. `0` means
    /// no per-channel limit.
    pub post_message_per_channel: u32,
}

impl Default for Limits {
    /// No limits at all.
    fn default() -> Limits {
        Limits { window: Duration::from_secs(60), per_method: HashMap::new(), post_message_per_channel: 0 }
    }
}

impl Limits {
    /// Slack's documented tiers with the minute scaled to `window`: tier 3
    /// (50 per window), tier 4 (100 per window), and `chat.postMessage` at
    /// one per channel per `window / 60` on average (60 per window) with
    /// bursts of up to [`POST_MESSAGE_BURST`] in one `window / 60` slot.
    ///
    /// Windows are fixed, so a test that must not straddle a boundary
    /// should pick a `window` much longer than it runs.
    pub fn slack_tiers(window: Duration) -> Limits {
        const TIER_3: &[&str] = &["chat.update", "chat.scheduleMessage", "conversations.open", "conversations.history"];
        const TIER_4: &[&str] = &[
            "chat.getPermalink",
            "users.info",
            "views.open",
            "views.update",
            "views.publish",
            "files.getUploadURLExternal",
            "files.completeUploadExternal",
            "chat.postEphemeral",
        ];
        let tier_3 = TIER_3.iter().map(|m| ((*m).to_owned(), 50));
        let tier_4 = TIER_4.iter().map(|m| ((*m).to_owned(), 100));
        Limits { window, per_method: tier_3.chain(tier_4).collect(), post_message_per_channel: 60 }
    }
}

#[derive(Clone)]
struct User {
    id: String,
    name: String,
    tz: Tz,
    /// Shown in `profile.email` only to a token with `users:read.email`.
    email: String,
}

/// Calls counted in the current fixed window.
#[derive(Default, Clone, Copy)]
struct Budget {
    window: u128,
    used: u32,
}

impl Budget {
    fn used_in(&mut self, window: u128) -> u32 {
        if self.window != window {
            *self = Budget { window, used: 0 };
        }
        self.used
    }
}

#[derive(Default)]
struct ChannelBudget {
    window: Budget,
    slot: Budget,
}

struct FileRecord {
    file: UploadedFile,
    uploaded: bool,
}

struct Slack {
    base_url: String,
    started: Instant,
    limits: Option<Limits>,
    calls: Vec<Call>,
    rate_limit_next: VecDeque<u64>,
    rate_limited: HashMap<String, usize>,
    method_budgets: HashMap<String, Budget>,
    channel_budgets: HashMap<String, ChannelBudget>,
    fail_next: HashMap<String, VecDeque<String>>,
    /// Block types this workspace does not accept.
    refused_block_types: Vec<String>,
    users: BTreeMap<String, User>,
    messages: Vec<Message>,
    views: HashMap<String, Value>,
    home_views: HashMap<String, String>,
    files: Vec<FileRecord>,
    serial: u64,
    socket: SocketHub,
    /// Methods whose calls wait (after being recorded) until released.
    held: HashMap<String, Arc<tokio::sync::Semaphore>>,
    /// What `x-oauth-scopes` says the bot token may do.
    scopes: Vec<String>,
    /// Channels `conversations.list` and `conversations.info` know.
    channels: Vec<FakeChannel>,
}

/// A channel in the fake workspace.
#[derive(Debug, Clone)]
pub struct FakeChannel {
    pub id: String,
    pub name: String,
    pub is_private: bool,
    /// Whether the bot was invited. A private channel the bot is not in is
    /// invisible to it, as in Slack.
    pub is_member: bool,
}

/// Every bot scope planbot's manifest asks for.
pub const ALL_SCOPES: &str = "commands,chat:write,im:write,im:history,users:read,users:read.email,channels:history,groups:history,\
channels:read,groups:read,app_mentions:read,files:write";

/// `conversations.list` pages hold this many channels (Slack's `limit`
/// caps it; a small page makes the cursor matter in tests).
const CHANNELS_PER_PAGE: usize = 2;

type Shared = Arc<Mutex<Slack>>;

/// A method's answer: the fields beside `"ok": true`, or Slack's error code.
type Answer = Result<Value, &'static str>;

#[derive(Clone)]
pub struct FakeSlack {
    recorded: Shared,
    pub base_url: String,
    /// Socket Mode: connections opened with [`APP_TOKEN`].
    pub socket: SocketHub,
}

impl FakeSlack {
    /// A fake with no rate limits (only [`FakeSlack::rate_limit_next`]).
    pub async fn start() -> FakeSlack {
        FakeSlack::serve(None).await
    }

    /// A fake that answers `429` once a method (or a channel, for
    /// `chat.postMessage`) has used up its budget in the current window.
    pub async fn start_with_limits(limits: Limits) -> FakeSlack {
        assert!(!limits.window.is_zero(), "a rate-limit window must be longer than zero");
        FakeSlack::serve(Some(limits)).await
    }

    async fn serve(limits: Option<Limits>) -> FakeSlack {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let base_url = format!("http://{address}");
        let socket = SocketHub::start().await;
        let recorded = Arc::new(Mutex::new(Slack {
            base_url: base_url.clone(),
            started: Instant::now(),
            limits,
            calls: Vec::new(),
            rate_limit_next: VecDeque::new(),
            rate_limited: HashMap::new(),
            method_budgets: HashMap::new(),
            channel_budgets: HashMap::new(),
            fail_next: HashMap::new(),
            refused_block_types: Vec::new(),
            users: BTreeMap::new(),
            messages: Vec::new(),
            views: HashMap::new(),
            home_views: HashMap::new(),
            files: Vec::new(),
            serial: 0,
            socket: socket.clone(),
            held: HashMap::new(),
            scopes: ALL_SCOPES.split(',').map(str::to_owned).collect(),
            channels: Vec::new(),
        }));
        let app = Router::new()
            .route("/api/{method}", get(api).post(api))
            .route("/response/{id}", post(response_url))
            .route("/upload/{id}", post(upload))
            .with_state(Arc::clone(&recorded));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("fake Slack serves") });
        FakeSlack { recorded, base_url, socket }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Slack> {
        self.recorded.lock().unwrap()
    }

    pub fn api_url(&self) -> String {
        format!("{}/api", self.base_url)
    }

    pub fn response_url(&self, id: &str) -> String {
        format!("{}/response/{id}", self.base_url)
    }

    /// The recorded calls of `method` (`response_url:<id>` for a
    /// `response_url` post, `upload:<file id>` for an upload), oldest first.
    pub fn calls(&self, method: &str) -> Vec<Call> {
        self.state().calls.iter().filter(|c| c.method == method).cloned().collect()
    }

    /// The next call (of any method) answers `429` with `Retry-After: seconds`.
    pub fn rate_limit_next(&self, seconds: u64) {
        self.state().rate_limit_next.push_back(seconds);
    }

    /// How many calls of `method` were answered `429` (not in [`FakeSlack::calls`]).
    pub fn rate_limited(&self, method: &str) -> usize {
        self.state().rate_limited.get(method).copied().unwrap_or(0)
    }

    /// The next call of `method` answers `{"ok":false,"error":error}`
    /// (it is still recorded). Queues up when called again.
    pub fn fail_next(&self, method: &str, error: &str) {
        self.state().fail_next.entry(method.to_owned()).or_default().push_back(error.to_owned());
    }

    /// From now on a message holding a block of `kind` is refused with
    /// `invalid_blocks` (a workspace without that block yet).
    pub fn refuse_block_type(&self, kind: &str) {
        self.state().refused_block_types.push(kind.to_owned());
    }

    /// The token's scopes as `x-oauth-scopes` reports them.
    pub fn set_scopes(&self, scopes: &[&str]) {
        self.state().scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
    }

    /// A channel in the workspace.
    pub fn add_channel(&self, id: &str, name: &str, is_private: bool, is_member: bool) {
        let channel = FakeChannel { id: id.to_owned(), name: name.to_owned(), is_private, is_member };
        self.state().channels.push(channel);
    }

    /// Calls of `method` are recorded, then answered only once
    /// [`FakeSlack::release`] is called: a slow or stuck Slack.
    pub fn hold(&self, method: &str) {
        self.state().held.insert(method.to_owned(), Arc::new(tokio::sync::Semaphore::new(0)));
    }

    /// Answers the held calls of `method`, and every later one at once.
    pub fn release(&self, method: &str) {
        if let Some(gate) = self.state().held.remove(method) {
            gate.close();
        }
    }

    /// Waits (briefly) until `count` calls of `method` arrived.
    pub async fn wait_for(&self, method: &str, count: usize) -> Vec<Call> {
        for _ in 0..200 {
            let calls = self.calls(method);
            if calls.len() >= count {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("Slack never got {count} {method} call(s): {:?}", self.calls(method));
    }

    /// A workspace member `users.info` knows; `tz` is an IANA name such as
    /// `Africa/Johannesburg`. `name` is also the real and display name.
    /// A person whose profile e-mail is `name@autorisen.example`, lower case.
    pub fn add_user(&self, id: &str, name: &str, tz: &str) {
        let tz = parse_tz(tz);
        let email = format!("{}@autorisen.example", name.to_lowercase());
        self.state().users.insert(id.to_owned(), User { id: id.to_owned(), name: name.to_owned(), tz, email });
    }

    /// The user moved to another time zone.
    pub fn set_user_tz(&self, id: &str, tz: &str) {
        let tz = parse_tz(tz);
        self.state().users.get_mut(id).unwrap_or_else(|| panic!("no user {id}: add_user first")).tz = tz;
    }

    /// Every message posted, in the order first posted (with later updates).
    pub fn messages(&self) -> Vec<Message> {
        self.state().messages.clone()
    }

    /// One message by channel and `ts`.
    pub fn message(&self, channel: &str, ts: &str) -> Option<Message> {
        self.state().messages.iter().find(|m| m.channel == channel && m.ts == ts).cloned()
    }

    /// The replies in the thread under `parent_ts` in `channel`, oldest first.
    pub fn thread(&self, channel: &str, parent_ts: &str) -> Vec<Message> {
        let state = self.state();
        state
            .messages
            .iter()
            .filter(|m| m.channel == channel && m.thread_ts.as_deref() == Some(parent_ts) && m.ts != parent_ts)
            .cloned()
            .collect()
    }

    /// The Home tab last published for `user`.
    pub fn home_view(&self, user: &str) -> Option<Value> {
        let state = self.state();
        state.home_views.get(user).and_then(|id| state.views.get(id)).cloned()
    }

    /// Every file from `files.getUploadURLExternal` on, in that order.
    pub fn uploaded_files(&self) -> Vec<UploadedFile> {
        self.state().files.iter().map(|f| f.file.clone()).collect()
    }
}

/// The DM channel `conversations.open` gives for `user`.
pub fn dm_channel(user: &str) -> String {
    format!("D{user}")
}

fn parse_tz(tz: &str) -> Tz {
    tz.parse().unwrap_or_else(|err| panic!("{tz} is not an IANA time zone: {err}"))
}

/// A message target as Slack resolves it: a user id means their DM.
fn resolve_channel(channel: &str) -> String {
    if channel.starts_with('U') || channel.starts_with('W') { dm_channel(channel) } else { channel.to_owned() }
}

/// The arguments of one call: the JSON or form body, plus the query string.
fn request_args(headers: &HeaderMap, body: &[u8], query: Option<&str>) -> Value {
    let mut args = parse_body(headers, body);
    let query: Vec<(String, String)> =
        query.map(|q| serde_urlencoded::from_str(q).unwrap_or_default()).unwrap_or_default();
    if query.is_empty() {
        return args;
    }
    if !args.is_object() {
        args = Value::Object(Map::new());
    }
    if let Value::Object(map) = &mut args {
        for (key, value) in query {
            map.entry(key).or_insert(Value::String(value));
        }
    }
    args
}

fn parse_body(headers: &HeaderMap, body: &[u8]) -> Value {
    let form = headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|t| t.contains("form"));
    if form {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        return Value::Object(pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    }
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// A non-empty string (or number) argument.
fn text_arg(args: &Value, key: &str) -> Option<String> {
    match &args[key] {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A JSON argument, which a form carries as a JSON string.
fn json_arg(args: &Value, key: &str) -> Option<Value> {
    match &args[key] {
        Value::Null => None,
        Value::String(s) if s.starts_with('[') || s.starts_with('{') => serde_json::from_str(s).ok(),
        other => Some(other.clone()),
    }
}

fn has_content(value: &Option<Value>) -> bool {
    match value {
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    }
}

/// Socket Mode's `apps.connections.open` takes the app-level token only;
/// every other method the bot token only.
fn auth_error(method: &str, headers: &HeaderMap, args: &Value) -> Option<&'static str> {
    let bearer =
        headers.get("authorization").and_then(|v| v.to_str().ok()).map(|v| v.strip_prefix("Bearer ").unwrap_or(v));
    let wants_app_token = method == "apps.connections.open";
    match bearer.map(str::to_owned).or_else(|| text_arg(args, "token")) {
        None => Some("not_authed"),
        Some(token) if token == BOT_TOKEN && !wants_app_token => None,
        Some(token) if token == APP_TOKEN && wants_app_token => None,
        Some(token) if token == BOT_TOKEN || token == APP_TOKEN => Some("not_allowed_token_type"),
        Some(_) => Some("invalid_auth"),
    }
}

fn envelope(answer: Answer) -> Response {
    let body = match answer {
        Ok(Value::Object(mut fields)) => {
            fields.insert("ok".into(), Value::Bool(true));
            Value::Object(fields)
        }
        Ok(_) => json!({"ok": true}),
        Err(error) => json!({"ok": false, "error": error}),
    };
    axum::Json(body).into_response()
}

fn too_many_requests(seconds: u64) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, seconds.to_string())],
        axum::Json(json!({"ok": false, "error": "ratelimited"})),
    )
        .into_response()
}

/// The index of the fixed window `elapsed` falls in, and the time left in it.
fn fixed_window(elapsed: Duration, length: Duration) -> (u128, Duration) {
    let length = length.as_nanos().max(1);
    let index = elapsed.as_nanos() / length;
    let left = (index + 1) * length - elapsed.as_nanos();
    (index, Duration::from_nanos(u64::try_from(left).unwrap_or(u64::MAX)))
}

/// `Retry-After`: whole seconds, rounded up, at least one.
fn retry_after(left: Duration) -> u64 {
    left.as_nanos().div_ceil(1_000_000_000).max(1).try_into().unwrap_or(u64::MAX)
}

impl Slack {
    fn visible_channels(&self) -> impl Iterator<Item = &FakeChannel> {
        self.channels.iter().filter(|c| !c.is_private || c.is_member)
    }

    fn channel_json(channel: &FakeChannel) -> Value {
        json!({"id": channel.id, "name": channel.name, "is_channel": !channel.is_private,
               "is_group": channel.is_private, "is_private": channel.is_private, "is_member": channel.is_member,
               "is_archived": false})
    }

    /// Paginated by `cursor` (an offset here; opaque to the client).
    fn conversations_list(&self, args: &Value) -> Answer {
        let types = text_arg(args, "types").unwrap_or_else(|| "public_channel".into());
        let start: usize = text_arg(args, "cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
        let wanted: Vec<&FakeChannel> = self
            .visible_channels()
            .filter(|c| types.contains(if c.is_private { "private_channel" } else { "public_channel" }))
            .collect();
        let page: Vec<Value> =
            wanted.iter().skip(start).take(CHANNELS_PER_PAGE).map(|c| Slack::channel_json(c)).collect();
        let next = if start + CHANNELS_PER_PAGE < wanted.len() {
            (start + CHANNELS_PER_PAGE).to_string()
        } else {
            String::new()
        };
        Ok(json!({"channels": page, "response_metadata": {"next_cursor": next}}))
    }

    fn conversations_info(&self, args: &Value) -> Answer {
        let id = text_arg(args, "channel").unwrap_or_default();
        let channel = self.visible_channels().find(|c| c.id == id).ok_or("channel_not_found")?;
        Ok(json!({"channel": Slack::channel_json(channel)}))
    }

    fn serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    fn next_ts(&mut self) -> String {
        let n = self.serial();
        format!("{}.{:06}", 1_700_000_000 + n / 1_000_000, n % 1_000_000)
    }

    fn next_hash(&mut self) -> String {
        let n = self.serial();
        format!("1700000000.h{n:06}")
    }

    /// `Some(retry_after)` when this call is over its budget; otherwise the
    /// call is counted.
    fn over_limit(&mut self, method: &str, args: &Value) -> Option<u64> {
        let limits = self.limits.as_ref()?;
        let elapsed = self.started.elapsed();
        let (window, window_left) = fixed_window(elapsed, limits.window);
        let method_limit = limits.per_method.get(method).copied();
        let per_channel = limits.post_message_per_channel;
        let channel = (method == "chat.postMessage" && per_channel > 0)
            .then(|| text_arg(args, "channel").map(|c| resolve_channel(&c)))
            .flatten();
        let (slot, slot_left) = fixed_window(elapsed, limits.window / 60);

        if let Some(limit) = method_limit {
            if self.method_budgets.entry(method.to_owned()).or_default().used_in(window) >= limit {
                return Some(retry_after(window_left));
            }
        }
        if let Some(channel) = &channel {
            let budget = self.channel_budgets.entry(channel.clone()).or_default();
            if budget.window.used_in(window) >= per_channel {
                return Some(retry_after(window_left));
            }
            if budget.slot.used_in(slot) >= POST_MESSAGE_BURST {
                return Some(retry_after(slot_left));
            }
            budget.window.used += 1;
            budget.slot.used += 1;
        }
        if method_limit.is_some() {
            self.method_budgets.get_mut(method).expect("counted above").used += 1;
        }
        None
    }

    fn answer(&mut self, method: &str, args: &Value) -> Answer {
        match method {
            "apps.connections.open" => Ok(json!({"url": self.socket.open_url()})),
            "auth.test" => Ok(json!({"url": "https://autorisen.slack.com/", "team": "autorisen", "user": "planbot",
                                      "team_id": TEAM_ID, "user_id": "U0PLANBOT", "bot_id": BOT_ID})),
            "conversations.list" => self.conversations_list(args),
            "conversations.info" => self.conversations_info(args),
            "users.info" => self.users_info(args),
            "conversations.open" => conversations_open(args),
            "conversations.history" => self.conversations_history(args),
            "chat.postMessage" => self.post_message(args),
            "chat.postEphemeral" => self.post_ephemeral(args),
            "chat.update" => self.update_message(args),
            "chat.getPermalink" => self.permalink(args),
            "views.open" => self.views_open(args),
            "views.update" => self.views_update(args),
            "views.publish" => self.views_publish(args),
            "files.getUploadURLExternal" => self.get_upload_url(args),
            "files.completeUploadExternal" => self.complete_upload(args),
            _ => Err("unknown_method"),
        }
    }

    fn users_info(&self, args: &Value) -> Answer {
        let id = text_arg(args, "user").ok_or("user_not_found")?;
        let user = self.users.get(&id).ok_or("user_not_found")?;
        let now = chrono::Utc::now().with_timezone(&user.tz);
        let offset = now.offset();
        let label = offset.abbreviation().filter(|a| a.starts_with(char::is_alphabetic)).unwrap_or(user.tz.name());
        let mut profile = json!({"display_name": user.name, "real_name": user.name});
        if self.scopes.iter().any(|s| s == "users:read.email") {
            profile["email"] = json!(user.email);
        }
        Ok(json!({"user": {
            "id": user.id,
            "team_id": TEAM_ID,
            "name": user.name,
            "real_name": user.name,
            "deleted": false,
            "is_bot": false,
            "tz": user.tz.name(),
            "tz_label": label,
            "tz_offset": offset.fix().local_minus_utc(),
            "profile": profile,
        }}))
    }

    fn conversations_history(&self, args: &Value) -> Answer {
        let channel = text_arg(args, "channel").ok_or("channel_not_found")?;
        let limit = text_arg(args, "limit").and_then(|l| l.parse().ok()).unwrap_or(100);
        let messages: Vec<Value> = self
            .messages
            .iter()
            .rev()
            .filter(|m| m.channel == channel && m.thread_ts.as_ref().is_none_or(|parent| *parent == m.ts))
            .take(limit)
            .map(message_json)
            .collect();
        Ok(json!({"messages": messages, "has_more": false}))
    }

    fn post_message(&mut self, args: &Value) -> Answer {
        let channel = resolve_channel(&text_arg(args, "channel").ok_or("channel_not_found")?);
        let text = text_arg(args, "text");
        let blocks = json_arg(args, "blocks");
        if let Some(blocks) = &blocks {
            check_blocks(blocks, &self.refused_block_types)?;
        }
        if text.is_none() && !has_content(&blocks) && !has_content(&json_arg(args, "attachments")) {
            return Err("no_text");
        }
        let message = Message {
            channel: channel.clone(),
            ts: self.next_ts(),
            thread_ts: text_arg(args, "thread_ts"),
            text: text.unwrap_or_default(),
            blocks: blocks.unwrap_or(Value::Null),
            updated: 0,
        };
        let answer = json!({"channel": channel, "ts": message.ts, "message": message_json(&message)});
        self.messages.push(message);
        Ok(answer)
    }

    fn post_ephemeral(&mut self, args: &Value) -> Answer {
        text_arg(args, "channel").ok_or("channel_not_found")?;
        text_arg(args, "user").ok_or("user_not_in_channel")?;
        if text_arg(args, "text").is_none() && !has_content(&json_arg(args, "blocks")) {
            return Err("no_text");
        }
        Ok(json!({"message_ts": self.next_ts()}))
    }

    /// Slack's permalink shape: the channel, then `p` and the ts without its dot.
    fn permalink(&self, args: &Value) -> Answer {
        let channel = resolve_channel(&text_arg(args, "channel").ok_or("channel_not_found")?);
        let ts = text_arg(args, "message_ts").ok_or("message_not_found")?;
        self.messages.iter().find(|m| m.channel == channel && m.ts == ts).ok_or("message_not_found")?;
        let link = format!("https://autorisen.slack.com/archives/{channel}/p{}", ts.replace('.', ""));
        Ok(json!({"channel": channel, "permalink": link}))
    }

    fn update_message(&mut self, args: &Value) -> Answer {
        let channel = resolve_channel(&text_arg(args, "channel").ok_or("channel_not_found")?);
        let ts = text_arg(args, "ts").ok_or("message_not_found")?;
        let text = text_arg(args, "text");
        let blocks = json_arg(args, "blocks");
        if let Some(blocks) = &blocks {
            check_blocks(blocks, &self.refused_block_types)?;
        }
        let message =
            self.messages.iter_mut().find(|m| m.channel == channel && m.ts == ts).ok_or("message_not_found")?;
        if text.is_none() && blocks.is_none() {
            return Err("no_text");
        }
        if let Some(text) = text {
            message.text = text;
        }
        if let Some(blocks) = blocks {
            message.blocks = blocks;
        }
        message.updated += 1;
        Ok(json!({"channel": channel, "ts": ts, "text": message.text, "message": message_json(message)}))
    }

    /// Stores `view` under `id` (a new one when `None`) with a fresh hash.
    fn store_view(&mut self, id: Option<String>, mut view: Value) -> Value {
        let id = id.unwrap_or_else(|| format!("V{:08}", self.serial()));
        view["id"] = json!(id);
        view["hash"] = json!(self.next_hash());
        view["team_id"] = json!(TEAM_ID);
        view["bot_id"] = json!(BOT_ID);
        if view["state"].is_null() {
            view["state"] = json!({"values": {}});
        }
        self.views.insert(id, view.clone());
        view
    }

    /// `hash_conflict` when a `hash` was sent and the view has moved on.
    fn check_hash(&self, view_id: &str, args: &Value) -> Result<(), &'static str> {
        match (text_arg(args, "hash"), self.views.get(view_id)) {
            (Some(hash), Some(view)) if view["hash"] != hash.as_str() => Err("hash_conflict"),
            _ => Ok(()),
        }
    }

    fn views_open(&mut self, args: &Value) -> Answer {
        text_arg(args, "trigger_id").ok_or("invalid_arguments")?;
        let view = json_arg(args, "view").filter(Value::is_object).ok_or("invalid_arguments")?;
        Ok(json!({"view": self.store_view(None, view)}))
    }

    fn views_update(&mut self, args: &Value) -> Answer {
        let id = text_arg(args, "view_id").ok_or("not_found")?;
        if !self.views.contains_key(&id) {
            return Err("not_found");
        }
        self.check_hash(&id, args)?;
        let view = json_arg(args, "view").filter(Value::is_object).ok_or("invalid_arguments")?;
        Ok(json!({"view": self.store_view(Some(id), view)}))
    }

    fn views_publish(&mut self, args: &Value) -> Answer {
        let user = text_arg(args, "user_id").ok_or("invalid_arguments")?;
        let view = json_arg(args, "view").filter(|v| v["type"] == "home").ok_or("invalid_arguments")?;
        let id = self.home_views.get(&user).cloned();
        if let Some(id) = &id {
            self.check_hash(id, args)?;
        }
        let view = self.store_view(id, view);
        self.home_views.insert(user, view["id"].as_str().expect("stored with an id").to_owned());
        Ok(json!({"view": view}))
    }

    fn get_upload_url(&mut self, args: &Value) -> Answer {
        let filename = text_arg(args, "filename").ok_or("invalid_arguments")?;
        text_arg(args, "length").and_then(|l| l.parse::<usize>().ok()).ok_or("invalid_arguments")?;
        let id = format!("F{:08}", self.serial());
        let upload_url = format!("{}/upload/{id}", self.base_url);
        self.files.push(FileRecord {
            file: UploadedFile {
                id: id.clone(),
                filename,
                title: None,
                bytes: Vec::new(),
                channel_id: None,
                thread_ts: None,
                initial_comment: None,
                completed: false,
            },
            uploaded: false,
        });
        Ok(json!({"upload_url": upload_url, "file_id": id}))
    }

    fn complete_upload(&mut self, args: &Value) -> Answer {
        let Some(Value::Array(files)) = json_arg(args, "files") else { return Err("invalid_arguments") };
        let mut picked = Vec::new();
        for file in &files {
            let id = text_arg(file, "id").ok_or("invalid_arguments")?;
            let index = self.files.iter().position(|f| f.file.id == id && f.uploaded).ok_or("file_not_found")?;
            picked.push((index, text_arg(file, "title")));
        }
        let channels = text_arg(args, "channels").and_then(|c| c.split(',').next().map(str::to_owned));
        let channel_id = text_arg(args, "channel_id").or(channels);
        let mut answered = Vec::new();
        for (index, title) in picked {
            let file = &mut self.files[index].file;
            file.title = Some(title.unwrap_or_else(|| file.filename.clone()));
            file.channel_id = channel_id.clone();
            file.thread_ts = text_arg(args, "thread_ts");
            file.initial_comment = text_arg(args, "initial_comment");
            file.completed = true;
            answered.push(json!({"id": file.id, "title": file.title, "name": file.filename, "size": file.bytes.len()}));
        }
        Ok(json!({"files": answered}))
    }
}

/// Block Kit's limits on a message's blocks, as Slack documents them.
pub fn check_blocks(blocks: &Value, refused: &[String]) -> Result<(), &'static str> {
    let blocks = blocks.as_array().ok_or("invalid_blocks_format")?;
    let of_type = |kind: &'static str| blocks.iter().filter(move |b| b["type"] == kind);
    let refused_here = blocks.iter().any(|b| refused.iter().any(|kind| b["type"] == kind.as_str()));
    if blocks.len() > 50 || refused_here || of_type("table").count() > 1 || of_type("data_visualization").count() > 2 {
        return Err("invalid_blocks");
    }
    if of_type("table").all(valid_table) && of_type("data_visualization").all(valid_chart) {
        Ok(())
    } else {
        Err("invalid_blocks")
    }
}

fn valid_table(table: &Value) -> bool {
    let Some(rows) = table["rows"].as_array() else { return false };
    let cell_ok = |cell: &Value| match cell["type"].as_str() {
        Some("raw_text") => cell["text"].is_string(),
        Some("rich_text") => cell["elements"].is_array(),
        _ => false,
    };
    let settings = table["column_settings"].as_array().map_or(0, Vec::len);
    (1..=100).contains(&rows.len())
        && settings <= 20
        && rows.iter().all(|row| row.as_array().is_some_and(|cells| cells.len() <= 20 && cells.iter().all(cell_ok)))
}

fn valid_chart(block: &Value) -> bool {
    let title_ok = block["title"].as_str().is_some_and(|t| !t.is_empty() && t.chars().count() <= 50);
    let chart = &block["chart"];
    let series_ok = || {
        let Some(categories) = chart["axis_config"]["categories"].as_array() else { return false };
        let Some(series) = chart["series"].as_array() else { return false };
        let names: std::collections::HashSet<&str> = series.iter().filter_map(|s| s["name"].as_str()).collect();
        let one_point_per_category = |s: &Value| {
            s["data"].as_array().is_some_and(|data| {
                data.len() == categories.len()
                    && data.iter().zip(categories).all(|(point, category)| point["label"] == *category)
                    && data.iter().all(|point| point["value"].is_number())
            })
        };
        (1..=12).contains(&series.len()) && names.len() == series.len() && series.iter().all(one_point_per_category)
    };
    let chart_ok = match chart["type"].as_str() {
        Some("line" | "bar" | "area") => series_ok(),
        Some("pie") => chart["segments"].as_array().is_some_and(|s| (1..=12).contains(&s.len())),
        _ => false,
    };
    title_ok && chart_ok
}

fn message_json(message: &Message) -> Value {
    let mut json = json!({"type": "message", "bot_id": BOT_ID, "ts": message.ts, "text": message.text});
    if !message.blocks.is_null() {
        json["blocks"] = message.blocks.clone();
    }
    if let Some(thread_ts) = &message.thread_ts {
        json["thread_ts"] = json!(thread_ts);
    }
    json
}

fn conversations_open(args: &Value) -> Answer {
    let user = match json_arg(args, "users") {
        Some(Value::String(users)) => users.split(',').next().unwrap_or_default().trim().to_owned(),
        Some(Value::Array(users)) => users.first().and_then(Value::as_str).unwrap_or_default().to_owned(),
        _ => String::new(),
    };
    if user.is_empty() {
        return Err("users_list_not_supplied");
    }
    Ok(json!({"channel": {"id": dm_channel(&user)}}))
}

async fn api(
    State(slack): State<Shared>,
    Path(method): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let args = request_args(&headers, &body, query.as_deref());
    let held = slack.lock().unwrap().held.get(&method).cloned();
    if let Some(gate) = held {
        slack.lock().unwrap().calls.push(Call { method: format!("held:{method}"), body: args.clone() });
        let _ = gate.acquire().await;
    }
    let mut slack = slack.lock().unwrap();
    if let Some(seconds) = slack.rate_limit_next.pop_front() {
        *slack.rate_limited.entry(method).or_default() += 1;
        return too_many_requests(seconds);
    }
    if let Some(error) = auth_error(&method, &headers, &args) {
        return envelope(Err(error));
    }
    if let Some(seconds) = slack.over_limit(&method, &args) {
        *slack.rate_limited.entry(method).or_default() += 1;
        return too_many_requests(seconds);
    }
    slack.calls.push(Call { method: method.clone(), body: args.clone() });
    let scopes = slack.scopes.join(",");
    let mut response = match slack.fail_next.get_mut(&method).and_then(VecDeque::pop_front) {
        Some(error) => axum::Json(json!({"ok": false, "error": error})).into_response(),
        None => envelope(slack.answer(&method, &args)),
    };
    if let Ok(scopes) = header::HeaderValue::from_str(&scopes) {
        response.headers_mut().insert("x-oauth-scopes", scopes);
    }
    response
}

async fn response_url(
    State(slack): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = parse_body(&headers, &body);
    let held = slack.lock().unwrap().held.get("response_url").cloned();
    if let Some(gate) = held {
        let _ = gate.acquire().await;
    }
    slack.lock().unwrap().calls.push(Call { method: format!("response_url:{id}"), body });
    (StatusCode::OK, "ok").into_response()
}

/// `POST upload_url`: the raw bytes (as slack-morphism's
/// `files_upload_via_url` sends them, with the file's content type), or a
/// multipart form whose file part holds them. Slack answers `200 OK - <length>`
/// in plain text, which slack-morphism reads as an empty success.
async fn upload(State(slack): State<Shared>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let bytes = if content_type.starts_with("multipart/form-data") {
        match multipart_file(content_type, &body) {
            Some(bytes) => bytes,
            None => return (StatusCode::BAD_REQUEST, "bad multipart body").into_response(),
        }
    } else {
        body.to_vec()
    };
    let mut slack = slack.lock().unwrap();
    let Some(record) = slack.files.iter_mut().find(|f| f.file.id == id) else {
        return (StatusCode::NOT_FOUND, "no such upload").into_response();
    };
    let length = bytes.len();
    record.file.bytes = bytes;
    record.uploaded = true;
    let call = json!({"file_id": id, "length": length, "content_type": content_type});
    slack.calls.push(Call { method: format!("upload:{id}"), body: call });
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("OK - {length}")).into_response()
}

/// The file part of a `multipart/form-data` body: the first part with a
/// `filename`, else the first part.
fn multipart_file(content_type: &str, body: &[u8]) -> Option<Vec<u8>> {
    let boundary = content_type.split(';').find_map(|p| p.trim().strip_prefix("boundary="))?.trim_matches('"');
    let delimiter = format!("\r\n--{boundary}");
    // A leading CRLF makes the first delimiter look like the others.
    let body = [b"\r\n".as_slice(), body].concat();
    let mut rest = &body[find(&body, delimiter.as_bytes())? + delimiter.len()..];
    let mut parts = Vec::new();
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n")?;
        let end = find(rest, delimiter.as_bytes())?;
        let part = &rest[..end];
        let split = find(part, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&part[..split]).to_ascii_lowercase();
        parts.push((head.contains("filename="), part[split + 4..].to_vec()));
        rest = &rest[end + delimiter.len()..];
    }
    let index = parts.iter().position(|(is_file, _)| *is_file).unwrap_or(0);
    (index < parts.len()).then(|| parts.swap_remove(index).1)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
