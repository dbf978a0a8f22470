//! A team of seven in four time zones on a writable copy of the example
//! plan, with a fake Slack and a clock the test moves: what the standup,
//! digest, Home tab and preview tests share.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use planbot::clock::{Clock, ManualClock};
use planbot::slack::web::SlackWeb;
use planbot::source::LocalFolder;
use planbot::standup::{StandupConfig, Standups};
use planbot::store::Store;
use serde_json::{Value, json};

use super::fake_slack::{BOT_TOKEN, FakeSlack, Message, dm_channel};
use super::{SlackResponse, StandupSetup, TestApp, Writable};

pub const CSV: &str = "docs/autorisen_project_plan.csv";
pub const MD: &str = "docs/project_plan.md";
pub const OPS: &str = "C0OPS";
pub const EDITOR: &str = "U0EDITOR1";

/// Seven people in four time zones, each holding one owner role.
pub const TEAM: [(&str, &str, &str, &str); 7] = [
    ("U0ANA0001", "Ana", "Europe/Berlin", "backend"),
    ("U0BEN0002", "Ben", "Europe/Berlin", "frontend"),
    ("U0CHE0003", "Chen", "Asia/Kolkata", "ops"),
    ("U0DEV0004", "Devi", "Asia/Kolkata", "devops"),
    ("U0EMA0005", "Ema", "America/New_York", "product"),
    ("U0FIN0006", "Finn", "America/New_York", "docs"),
    ("U0GIA0007", "Gia", "Pacific/Auckland", "security"),
];

pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

/// A copy of the example plan that the app may write to.
pub struct Folder(tempfile::TempDir);

impl Folder {
    pub fn new() -> Folder {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/autorisen");
        for file in [CSV, MD] {
            std::fs::copy(example.join(file), dir.path().join(file)).unwrap();
        }
        Folder(dir)
    }

    pub fn source(&self) -> Arc<LocalFolder> {
        Arc::new(LocalFolder::new(self.0.path(), CSV, MD))
    }

    pub fn csv(&self) -> String {
        std::fs::read_to_string(self.0.path().join(CSV)).unwrap()
    }

    pub fn write_csv(&self, text: &str) {
        std::fs::write(self.0.path().join(CSV), text).unwrap();
    }
}

pub struct Team {
    pub app: TestApp,
    pub clock: Arc<ManualClock>,
    pub slack: FakeSlack,
    pub _folder: Folder,
}

impl Team {
    pub async fn start(store: Arc<dyn Store>, start: &str, slack: FakeSlack, fan_out: usize) -> Team {
        Team::start_with(store, start, slack, fan_out, None).await
    }

    /// The team, its standup drafting from `activity` (a GitHub repository).
    pub async fn start_with(
        store: Arc<dyn Store>,
        start: &str,
        slack: FakeSlack,
        fan_out: usize,
        activity: Option<Arc<dyn planbot::source::RepoActivity>>,
    ) -> Team {
        let folder = Folder::new();
        let clock = Arc::new(ManualClock::new(at(start)));
        let web = SlackWeb::new(&slack.api_url(), BOT_TOKEN).unwrap();
        let writable = Writable {
            writer: folder.source(),
            editors: vec![EDITOR.parse().unwrap()],
            clock: Some(clock.clone() as Arc<dyn Clock>),
            slack: Some(web),
        };
        let setup = StandupSetup {
            team_tz: chrono_tz::Europe::Berlin,
            config: StandupConfig::new(Some(OPS.into())),
            fan_out,
            activity,
        };
        let app = TestApp::start_standups(folder.source(), store, writable, setup).await;
        Team { app, clock, slack, _folder: folder }
    }

    /// The same team on a new instance of planbot: the same database,
    /// plan folder, clock and Slack, as after a restart.
    pub async fn restart(&self) -> TestApp {
        let web = SlackWeb::new(&self.slack.api_url(), BOT_TOKEN).unwrap();
        let writable = Writable {
            writer: self._folder.source(),
            editors: vec![EDITOR.parse().unwrap()],
            clock: Some(self.clock.clone() as Arc<dyn Clock>),
            slack: Some(web),
        };
        let setup = StandupSetup {
            team_tz: chrono_tz::Europe::Berlin,
            config: StandupConfig::new(Some(OPS.into())),
            fan_out: 4,
            activity: None,
        };
        TestApp::start_standups(self._folder.source(), Arc::clone(&self.app.store), writable, setup).await
    }

    /// Rewrites the plan's CSV and has planbot read it again.
    pub async fn edit_plan(&self, edit: impl FnOnce(String) -> String) {
        self._folder.write_csv(&edit(self._folder.csv()));
        assert!(self.app.plan.refresh().await.unwrap(), "the plan changed");
    }

    pub fn _folder_csv(&self) -> String {
        self._folder.csv()
    }

    pub fn standups(&self) -> &Arc<Standups> {
        self.app.standups.as_ref().unwrap()
    }

    pub async fn join_all(&self) {
        for (id, name, tz, role) in TEAM {
            self.slack.add_user(id, name, tz);
            let answer = self.app.slash(id, &format!("iam {role}")).await;
            assert!(answer.shown_text().contains("Got it"), "{}", answer.body);
        }
    }

    pub async fn tick_at(&self, when: &str) -> planbot::standup::Sent {
        self.clock.set(at(when));
        self.standups().tick().await.unwrap()
    }

    pub fn dms_to(&self, user: &str) -> Vec<Message> {
        self.slack.messages().into_iter().filter(|m| m.channel == dm_channel(user)).collect()
    }

    pub fn channel_posts(&self) -> Vec<Message> {
        self.slack.messages().into_iter().filter(|m| m.channel == OPS && m.thread_ts.is_none()).collect()
    }

    /// The person clicks "Write update" and submits the form.
    pub async fn submit(&self, user: &str, day: &str, values: Value) -> SlackResponse {
        let view_id = format!("V{user}{}", self.clock.now().timestamp());
        self.app
            .interact(&json!({
                "type": "view_submission",
                "user": {"id": user, "username": user.to_lowercase()},
                "view": {"id": view_id, "hash": "h1", "callback_id": "standup_update", "private_metadata": day,
                         "state": {"values": values}},
            }))
            .await
    }

    pub async fn answer(&self, user: &str, day: &str, done: &str, blockers: &str) {
        let response = self
            .submit(
                user,
                day,
                json!({
                    "q0": {"value": {"type": "plain_text_input", "value": done}},
                    "q1": {"value": {"type": "plain_text_input", "value": "more of the same"}},
                    "q2": {"value": {"type": "plain_text_input", "value": blockers}},
                }),
            )
            .await;
        assert_eq!((response.status.as_u16(), response.body.as_str()), (200, ""), "the form closes");
    }

    /// A direct message to planbot, delivered as the Events API delivers it.
    pub async fn dm(&self, user: &str, text: &str, event_id: &str, retry: Option<u32>) -> SlackResponse {
        self.app
            .event(
                &json!({
                    "token": "x", "team_id": "T0001", "api_app_id": "A1", "type": "event_callback",
                    "event_id": event_id, "event_time": self.clock.now().timestamp(),
                    "event": {"type": "message", "channel": dm_channel(user), "channel_type": "im", "user": user,
                              "text": text, "ts": format!("{}.000100", self.clock.now().timestamp())},
                }),
                retry,
            )
            .await
    }
}

pub fn text_of(message: &Message) -> String {
    format!("{} {}", message.text, message.blocks)
}

/// Waits (up to 10 s) for something that must happen.
pub async fn wait_until(done: impl FnMut() -> bool) {
    wait_until_within(std::time::Duration::from_secs(10), done).await;
}

pub async fn wait_until_within(limit: std::time::Duration, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("condition never held within {limit:?}");
}
