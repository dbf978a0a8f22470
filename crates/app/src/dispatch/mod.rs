//! The application's one entry point. A payload arrives (over HTTP, over
//! Socket Mode, or typed on the command line), already authenticated and
//! parsed by its transport; `App` decides which service answers it and
//! what the transport acknowledges. From here on nothing knows which
//! transport brought the payload.
//!
//! ```text
//! slash command ─▶ App::slash_command ─▶ answer ─▶ command / standup / digest ─▶ Reply (in the ack)
//! interaction   ─▶ App::interaction   ─▶ forms opened at once; edits queued; follow-up after the ack
//! event         ─▶ App::event         ─▶ deduped, acknowledged, then DM answers / Home / previews
//! ```

mod answer;
mod answer_cache;
mod assemble;
mod events;
mod inbox;
mod interactions;

use std::sync::Arc;

use tokio::sync::Notify;

use crate::command::CommandError;
use crate::digest::{DigestError, Digests};
use crate::home::Home;
use crate::standup::{StandupError, Standups};
use planbot_domain::clock::Clock;
use planbot_domain::people::SlackUserId;
use planbot_reply::{Reply, Text};
use planbot_slack::respond::ResponseUrls;
use planbot_slack::web::SlackWeb;
use planbot_source::LivePlan;
use planbot_store::{CommandLog, Store, StoreError};

pub use answer::PlanSnapshot;
pub use answer_cache::RenderedAnswer;
pub use assemble::{Parts, Services};
pub use inbox::InboxWorker;

/// The slash command planbot answers unless told otherwise.
pub const DEFAULT_COMMAND: &str = "/plan";

/// What the transport sends back to Slack for a payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Ack {
    /// Nothing to say: an empty acknowledgement.
    Empty,
    /// A slash command's answer, carried by the acknowledgement.
    Reply(Reply),
    /// A submitted form stays open, with these messages by input block.
    FormErrors(Vec<(String, String)>),
    /// The Events API's URL check, answered with its challenge.
    Challenge(String),
}

/// What failed while answering; a person reads [`DispatchError::apology`].
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// Not a payload Slack sends: nothing is kept or done.
    #[error("malformed payload: {0}")]
    Malformed(String),
    #[error("planbot's database did not answer: {0}")]
    Store(#[from] StoreError),
    #[error("the standup service failed: {0}")]
    Standup(#[from] StandupError),
    #[error("the digest failed: {0}")]
    Digest(#[from] DigestError),
}

impl From<CommandError> for DispatchError {
    fn from(error: CommandError) -> DispatchError {
        match error {
            CommandError::Store(error) => DispatchError::Store(error),
        }
    }
}

impl DispatchError {
    /// What the person who asked is told: what failed, and what to do.
    pub fn apology(&self) -> Reply {
        let what = match self {
            DispatchError::Malformed(reason) => format!("the request was not understood ({reason})"),
            DispatchError::Store(_) => "its database did not respond".to_owned(),
            DispatchError::Standup(StandupError::Store(_)) | DispatchError::Digest(DigestError::Store(_)) => {
                "its database did not respond".to_owned()
            }
            DispatchError::Standup(StandupError::Slack(error)) | DispatchError::Digest(DigestError::Slack(error)) => {
                format!("Slack refused a call ({error})")
            }
            DispatchError::Standup(error) => error.to_string(),
            DispatchError::Digest(error) => error.to_string(),
        };
        Reply::message(Text::plain(format!(
            "Sorry, planbot could not answer: {what}. Please try again in a minute; if it keeps failing, tell the ops channel."
        )))
    }
}

/// Everything a payload may need, shared by all of them.
pub struct App {
    plan: Arc<LivePlan>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Slack users who may change any task.
    editors: Vec<SlackUserId>,
    /// Set when the plan's home can be written: woken after each edit.
    committer: Option<Arc<Notify>>,
    /// The Slack Web API (modals, messages), when a bot token is set.
    slack: Option<SlackWeb>,
    responder: Option<ResponseUrls>,
    standups: Option<Arc<Standups>>,
    digests: Option<Arc<Digests>>,
    home: Option<Arc<Home>>,
    /// Task ids in conversation get their cards in the thread.
    task_previews: bool,
    command_log: Option<CommandLog>,
    /// Wakes the inbox worker when a delivery is kept.
    inbox_wake: Notify,
    /// The slash command this app answers (`/plan`).
    command_name: String,
    /// Plan questions answered and rendered once per plan version and day.
    answers: answer_cache::AnswerCache,
}

impl App {
    /// A read-only app: no editors, no write-back, no Slack integrations
    /// until they are added.
    pub fn new(plan: Arc<LivePlan>, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> App {
        App {
            plan,
            store,
            clock,
            editors: Vec::new(),
            committer: None,
            slack: None,
            responder: ResponseUrls::new().ok(),
            standups: None,
            digests: None,
            home: None,
            task_previews: false,
            command_log: None,
            inbox_wake: Notify::new(),
            command_name: DEFAULT_COMMAND.to_owned(),
            answers: answer_cache::AnswerCache::default(),
        }
    }

    pub fn with_editors(mut self, editors: Vec<SlackUserId>) -> App {
        self.editors = editors;
        self
    }

    /// Edits can be written; `waker` starts the committer after each.
    pub fn with_committer(mut self, waker: Arc<Notify>) -> App {
        self.committer = Some(waker);
        self
    }

    pub fn with_slack(mut self, slack: SlackWeb) -> App {
        self.slack = Some(slack);
        self
    }

    pub fn with_standups(mut self, standups: Arc<Standups>) -> App {
        self.standups = Some(standups);
        self
    }

    pub fn with_digests(mut self, digests: Arc<Digests>) -> App {
        self.digests = Some(digests);
        self
    }

    pub fn with_home(mut self, home: Arc<Home>) -> App {
        self.home = Some(home);
        self
    }

    pub fn with_task_previews(mut self, on: bool) -> App {
        self.task_previews = on;
        self
    }

    pub fn with_command_log(mut self, log: CommandLog) -> App {
        self.command_log = Some(log);
        self
    }

    pub fn with_command_name(mut self, name: impl Into<String>) -> App {
        self.command_name = name.into();
        self
    }

    pub fn plan(&self) -> &Arc<LivePlan> {
        &self.plan
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn editors(&self) -> &[SlackUserId] {
        &self.editors
    }

    pub fn writable(&self) -> bool {
        self.committer.is_some()
    }

    pub fn standups(&self) -> Option<&Arc<Standups>> {
        self.standups.as_ref()
    }

    pub fn digests(&self) -> Option<&Arc<Digests>> {
        self.digests.as_ref()
    }

    /// Starts the committer on what was just queued.
    fn wake_committer(&self) {
        if let Some(committer) = &self.committer {
            committer.notify_one();
        }
    }
}

impl App {
    pub fn home(&self) -> Option<&Arc<Home>> {
        self.home.as_ref()
    }

    pub fn slack(&self) -> Option<&SlackWeb> {
        self.slack.as_ref()
    }
}
