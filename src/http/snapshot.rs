//! What every Slack request answers from: the plan as it is now.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::AppState;
use crate::command::Context;
use crate::source::LoadedPlan;

pub(super) struct PlanSnapshot {
    loaded: Arc<LoadedPlan>,
    plan_path: String,
    source_name: String,
    now: DateTime<Utc>,
    today: NaiveDate,
}

impl PlanSnapshot {
    pub(super) fn take(state: &AppState, now: DateTime<Utc>) -> PlanSnapshot {
        PlanSnapshot {
            loaded: state.plan.current(),
            plan_path: state.plan.source().csv_display_path(),
            source_name: state.plan.source().describe(),
            now,
            today: state.clock.today(),
        }
    }

    pub(super) fn context<'a>(&'a self, state: &'a AppState) -> Context<'a> {
        Context {
            plan: &self.loaded.plan,
            now: self.now,
            today: self.today,
            plan_path: &self.plan_path,
            source_name: &self.source_name,
            writable: state.committer.is_some(),
            editors: &state.editors,
            standups: state.standups.as_ref(),
            digests: state.digests.as_ref(),
        }
    }
}
