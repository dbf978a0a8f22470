//! Where the plan comes from. A source hands over the two files' text and
//! a cheap fingerprint to notice changes; parsing happens in `plan/`.

mod builtin;
mod live;
mod local;
mod local_writer;
mod memory;
pub mod writer;

use async_trait::async_trait;

pub use builtin::BuiltinExample;
pub use live::{LivePlan, LoadError, LoadedPlan, OnBroken, OnChange, spawn_reloader};
pub use local::LocalFolder;
pub use memory::InMemory;
pub use writer::{Head, PlanWriter, Revision, WriteError, Written};

/// Default locations of the plan files inside a source.
pub const DEFAULT_CSV_PATH: &str = "docs/autorisen_project_plan.csv";
pub const DEFAULT_MD_PATH: &str = "docs/project_plan.md";

/// The raw plan files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFiles {
    pub csv: String,
    /// The Markdown plan, when the source has one.
    pub markdown: Option<String>,
}

/// Changes whenever either file changes (size and modification time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(pub String);

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path} is not UTF-8 text")]
    NotUtf8 { path: String },
    #[error("{0}")]
    Remote(String),
}

#[async_trait]
pub trait PlanSource: Send + Sync + 'static {
    /// How to name the source to people (`/api/health`, logs).
    fn describe(&self) -> String;

    /// How to name the CSV in `path:LINE:` messages.
    fn csv_display_path(&self) -> String;

    async fn fingerprint(&self) -> Result<Fingerprint, SourceError>;

    async fn load(&self) -> Result<PlanFiles, SourceError>;

    /// The versions between two fingerprints, oldest first, ending with
    /// `to`. Sources without history report one change with no author.
    async fn revisions_between(&self, _from: &Fingerprint, to: &Fingerprint) -> Result<Vec<PlanVersion>, SourceError> {
        Ok(vec![PlanVersion { id: to.0.clone(), author: None, url: None, csv: None }])
    }
}

/// One version of the plan, as the change feed announces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    /// A commit sha, or the source's fingerprint.
    pub id: String,
    pub author: Option<String>,
    pub url: Option<String>,
    /// The CSV at this version; `None` means the newest loaded plan.
    pub csv: Option<String>,
}
