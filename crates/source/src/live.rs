//! The plan in memory, reloaded when its files change. A plan that fails
//! to parse never replaces the last good one; the failure is logged once
//! and shown in `/api/health` until the files are fixed. A service that
//! cannot read its plan at start (GitHub down, credentials refused) starts
//! anyway, with no plan, and keeps trying.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;

use super::{Fingerprint, PlanSource, SourceError};
use planbot_domain::clock::Clock;
use planbot_domain::plan::{Plan, PlanError, PlanPaths, Severity};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{path}: {error}")]
    Plan { path: String, error: PlanError },
    /// The file is not whole (cut short, a quote never closed, a header
    /// naming a column twice): never served.
    #[error("the plan file is damaged: {}", .problems.join("; "))]
    Damaged { problems: Vec<String> },
}

impl LoadError {
    /// A version of the files that will not do (rather than a source that
    /// could not be read): reported once, tried again only when it changes.
    pub fn is_bad_version(&self) -> bool {
        matches!(self, LoadError::Plan { .. } | LoadError::Damaged { .. })
    }
}

/// How many of a damaged file's problems are named (the rest are counted).
const DAMAGE_SHOWN: usize = 3;

/// One successfully parsed version of the plan.
#[derive(Debug)]
pub struct LoadedPlan {
    pub plan: Plan,
    pub loaded_at: DateTime<Utc>,
    pub lint_errors: usize,
    fingerprint: Fingerprint,
    /// False for the empty stand-in served until a first version loads.
    pub is_loaded: bool,
}

#[derive(Default)]
struct Failure {
    /// The version that does not parse (it is not tried again).
    fingerprint: Option<Fingerprint>,
    message: Option<String>,
}

/// Told of each new version of the plan: the one before, the one now.
pub type OnChange = Arc<dyn Fn(Arc<LoadedPlan>, Arc<LoadedPlan>) + Send + Sync>;

pub struct LivePlan {
    source: Arc<dyn PlanSource>,
    clock: Arc<dyn Clock>,
    current: RwLock<Arc<LoadedPlan>>,
    failure: RwLock<Failure>,
    on_change: RwLock<Option<OnChange>>,
}

impl LoadedPlan {
    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// Nothing loaded yet: an empty plan, and a fingerprint no source has.
    fn not_yet(now: DateTime<Utc>) -> Result<LoadedPlan, PlanError> {
        let plan = Plan::empty()?;
        Ok(LoadedPlan {
            plan,
            loaded_at: now,
            lint_errors: 0,
            fingerprint: Fingerprint(String::new()),
            is_loaded: false,
        })
    }
}

impl LivePlan {
    /// Loads the plan for the first time; with no good plan yet, a failure
    /// is fatal to the caller.
    pub async fn load(source: Arc<dyn PlanSource>, clock: Arc<dyn Clock>) -> Result<LivePlan, LoadError> {
        let loaded = load_from(source.as_ref(), clock.as_ref()).await?;
        Ok(LivePlan::with(source, clock, loaded))
    }

    /// Loads the plan if it can; otherwise starts with none and says why
    /// (`last_error`) until `refresh` succeeds. For the service, which
    /// must come up even when the plan's home is down.
    pub async fn start(source: Arc<dyn PlanSource>, clock: Arc<dyn Clock>) -> Result<LivePlan, LoadError> {
        match load_from(source.as_ref(), clock.as_ref()).await {
            Ok(loaded) => Ok(LivePlan::with(source, clock, loaded)),
            Err(error) => {
                tracing::error!(error = %error, "the plan could not be loaded; serving without it and retrying");
                let stand_in = LoadedPlan::not_yet(clock.now())
                    .map_err(|error| LoadError::Plan { path: source.csv_display_path(), error })?;
                let live = LivePlan::with(source, clock, stand_in);
                live.fail(None, error.to_string());
                Ok(live)
            }
        }
    }

    fn with(source: Arc<dyn PlanSource>, clock: Arc<dyn Clock>, loaded: LoadedPlan) -> LivePlan {
        LivePlan {
            source,
            clock,
            current: RwLock::new(Arc::new(loaded)),
            failure: RwLock::default(),
            on_change: RwLock::default(),
        }
    }

    /// Whether a version of the plan was ever loaded.
    pub fn is_loaded(&self) -> bool {
        self.current().is_loaded
    }

    fn fail(&self, fingerprint: Option<Fingerprint>, message: String) {
        metrics::counter!("planbot_plan_reload_errors_total").increment(1);
        *self.failure.write().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Failure { fingerprint, message: Some(message) };
    }

    /// `listener` hears of every new version loaded from now on.
    pub fn on_change(&self, listener: OnChange) {
        *self.on_change.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(listener);
    }

    pub fn current(&self) -> Arc<LoadedPlan> {
        Arc::clone(&self.current.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    pub fn source(&self) -> &dyn PlanSource {
        self.source.as_ref()
    }

    /// Why the newest version of the files is not the plan in use, if so.
    pub fn last_error(&self) -> Option<String> {
        self.failure.read().unwrap_or_else(|poisoned| poisoned.into_inner()).message.clone()
    }

    /// Reloads if the files changed. Returns whether the plan was replaced.
    /// A source that cannot be read is remembered as the reason until it
    /// can be again.
    pub async fn refresh(&self) -> Result<bool, LoadError> {
        let fingerprint = match self.source.fingerprint().await {
            Ok(fingerprint) => fingerprint,
            Err(error) => {
                let error = LoadError::Source(error);
                self.fail(None, error.to_string());
                return Err(error);
            }
        };
        if fingerprint == self.current().fingerprint {
            self.clear_source_failure();
            return Ok(false);
        }
        if self.already_failed(&fingerprint) {
            return Ok(false);
        }
        match load_at(self.source.as_ref(), self.clock.as_ref(), fingerprint.clone()).await {
            Ok(loaded) => {
                metrics::counter!("planbot_plan_reloads_total").increment(1);
                tracing::info!(tasks = loaded.plan.tasks().len(), lint_errors = loaded.lint_errors, "plan reloaded");
                let loaded = Arc::new(loaded);
                let before = std::mem::replace(
                    &mut *self.current.write().unwrap_or_else(|poisoned| poisoned.into_inner()),
                    Arc::clone(&loaded),
                );
                *self.failure.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Failure::default();
                let listener = self.on_change.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
                if let Some(listener) = listener {
                    listener(before, loaded);
                }
                Ok(true)
            }
            Err(error) if error.is_bad_version() => {
                tracing::error!(error = %error, "the plan changed but does not parse; keeping the last good plan");
                self.fail(Some(fingerprint), error.to_string());
                Err(error)
            }
            Err(error) => {
                self.fail(None, error.to_string());
                Err(error)
            }
        }
    }

    /// The source answers again: a reason that was only about reaching it
    /// no longer holds.
    fn clear_source_failure(&self) {
        let mut failure = self.failure.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if failure.fingerprint.is_none() {
            *failure = Failure::default();
        }
    }

    fn already_failed(&self, fingerprint: &Fingerprint) -> bool {
        let failure = self.failure.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        failure.fingerprint.as_ref() == Some(fingerprint)
    }
}

async fn load_from(source: &dyn PlanSource, clock: &dyn Clock) -> Result<LoadedPlan, LoadError> {
    // Fingerprint first: a write landing during the read is seen next time.
    let fingerprint = source.fingerprint().await?;
    load_at(source, clock, fingerprint).await
}

async fn load_at(
    source: &dyn PlanSource,
    clock: &dyn Clock,
    fingerprint: Fingerprint,
) -> Result<LoadedPlan, LoadError> {
    let files = source.load().await?;
    let plan = files.into_plan().map_err(|error| LoadError::Plan { path: source.csv_display_path(), error })?;
    let damage = plan.damage();
    if !damage.is_empty() {
        let (csv, markdown) = (source.csv_display_path(), source.markdown_display_path());
        let paths = PlanPaths { csv: &csv, markdown: &markdown };
        let mut problems: Vec<String> = damage.iter().take(DAMAGE_SHOWN).map(|d| d.render(paths)).collect();
        if damage.len() > DAMAGE_SHOWN {
            problems.push(format!("and {} more (planbot check lists them)", damage.len() - DAMAGE_SHOWN));
        }
        return Err(LoadError::Damaged { problems });
    }
    let lint_errors = plan.lint().iter().filter(|d| d.severity == Severity::Error).count();
    Ok(LoadedPlan { plan, loaded_at: clock.now(), lint_errors, fingerprint, is_loaded: true })
}

/// The first retry of a plan that could not be loaded at start.
const FIRST_RETRY: Duration = Duration::from_secs(1);

/// Called once for each new version of the plan that does not parse.
pub type OnBroken = Arc<dyn Fn(String) + Send + Sync>;

/// Checks the source for changes every `every`, and at once when `wake`
/// is notified (a push webhook), until the process ends. A version that
/// does not parse is reported to `on_broken` once.
pub fn spawn_reloader(
    live: Arc<LivePlan>,
    every: Duration,
    wake: Arc<tokio::sync::Notify>,
    on_broken: Option<OnBroken>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut retry = FIRST_RETRY;
        loop {
            // Until a first version loads, try again sooner, backing off.
            let wait = if live.is_loaded() { every } else { retry.min(every) };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = wake.notified() => {}
            }
            retry = if live.is_loaded() { FIRST_RETRY } else { (retry * 2).min(every) };
            // `refresh` logs and records failures; a broken version fails
            // only the first time it is seen.
            match (live.refresh().await, &on_broken) {
                (Err(error), Some(report)) if error.is_bad_version() => report(format!(
                    "the plan at {} cannot be used ({error}). planbot keeps answering from the last good version, and edits wait until the file is whole again.",
                    live.source().describe()
                )),
                _ => {}
            }
        }
    })
}
