//! Builds the application and its services from their parts, the one way
//! `serve`, `planbot ask` and the tests all do it.

use std::sync::Arc;

use chrono_tz::Tz;
use tokio::sync::Notify;

use super::App;
use crate::digest::{ChartStyle, DigestSchedule, Digests};
use crate::home::Home;
use crate::standup::{StandupConfig, Standups};
use planbot_domain::clock::Clock;
use planbot_domain::people::SlackUserId;
use planbot_slack::web::SlackWeb;
use planbot_source::LivePlan;
use planbot_source::RepoActivity;
use planbot_store::{CommandLog, Store};

/// What the application is built from.
pub struct Parts {
    pub plan: Arc<LivePlan>,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    /// Slack users who may change any task.
    pub editors: Vec<SlackUserId>,
    /// Set when edits can be written: the committer's waker.
    pub committer: Option<Arc<Notify>>,
    /// The Slack Web API, when a bot token is set.
    pub slack: Option<SlackWeb>,
    pub command_log: Option<CommandLog>,
    /// Standups, the digest and the Home tab, when they run here.
    pub services: Option<Services>,
    /// The plan repository's commits and pull requests, for standup drafts.
    pub activity: Option<Arc<dyn RepoActivity>>,
}

/// How the team's recurring services run.
pub struct Services {
    pub team_tz: Tz,
    /// The standup settings until an editor changes them.
    pub standup: StandupConfig,
    pub digest_schedule: DigestSchedule,
    /// How the digest draws its trend.
    pub digest_chart: ChartStyle,
    /// Working days a blocker may stand still before its nudge (0: never).
    pub blocker_nudge_after: u32,
    /// Where the digest goes.
    pub digest_channel: Option<String>,
    /// Cards for task ids named in conversation.
    pub task_previews: bool,
    /// Standup sends in flight at once (`None`: the service's default).
    pub fan_out: Option<usize>,
}

impl Parts {
    pub fn new(plan: Arc<LivePlan>, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Parts {
        Parts {
            plan,
            store,
            clock,
            editors: Vec::new(),
            committer: None,
            slack: None,
            command_log: None,
            services: None,
            activity: None,
        }
    }

    pub fn assemble(self) -> App {
        let mut app = App::new(Arc::clone(&self.plan), Arc::clone(&self.store), Arc::clone(&self.clock))
            .with_editors(self.editors.clone());
        if let Some(waker) = &self.committer {
            app = app.with_committer(Arc::clone(waker));
        }
        if let Some(web) = &self.slack {
            app = app.with_slack(web.clone());
        }
        if let Some(log) = &self.command_log {
            app = app.with_command_log(log.clone());
        }
        let Some(services) = &self.services else { return app };
        let standups = Arc::new(self.standups(services));
        let digests = Arc::new(self.digests(services).with_standups(Arc::clone(&standups)));
        let home = Arc::new(Home::new(Arc::clone(&standups)));
        app.with_standups(standups).with_digests(digests).with_home(home).with_task_previews(services.task_previews)
    }

    /// The standup service; it sends nothing without a bot token.
    fn standups(&self, services: &Services) -> Standups {
        let mut standups = Standups::new(
            Arc::clone(&self.store),
            Arc::clone(&self.plan),
            Arc::clone(&self.clock),
            services.team_tz,
            services.standup.clone(),
        )
        .with_editors(self.editors.clone())
        .with_nudge_after(services.blocker_nudge_after);
        if let Some(activity) = &self.activity {
            standups = standups.with_activity(Arc::clone(activity));
        }
        if let Some(fan_out) = services.fan_out {
            standups = standups.with_fan_out(fan_out);
        }
        if let Some(web) = &self.slack {
            standups = standups.with_slack(web.clone());
        }
        if let Some(waker) = &self.committer {
            standups = standups.with_committer(Arc::clone(waker));
        }
        standups
    }

    /// The weekly digest; it posts nothing without a bot token.
    fn digests(&self, services: &Services) -> Digests {
        let digests = Digests::new(
            Arc::clone(&self.store),
            Arc::clone(&self.plan),
            Arc::clone(&self.clock),
            services.team_tz,
            services.digest_schedule,
            services.digest_channel.clone(),
        )
        .with_chart_style(services.digest_chart);
        match &self.slack {
            Some(web) => digests.with_slack(web.clone()),
            None => digests,
        }
    }
}
