//! Where the plan comes from. A source hands over the two files' text and
//! a cheap fingerprint to notice changes; parsing happens in `plan/`.

mod activity;
mod builtin;
mod live;
mod local;
mod local_writer;
mod memory;
pub mod writer;

use async_trait::async_trait;
use planbot_domain::plan::{Plan, PlanError};

pub use activity::RepoActivity;
pub use builtin::BuiltinExample;
pub use live::{LivePlan, LoadError, LoadedPlan, OnBroken, OnChange, spawn_reloader};
pub use local::LocalFolder;
pub use memory::InMemory;
pub use writer::{Head, PlanWriter, Revision, WriteError, Written};

/// Default locations of the plan files inside a source.
pub const DEFAULT_CSV_PATH: &str = "docs/autorisen_project_plan.csv";
pub const DEFAULT_MD_PATH: &str = "docs/project_plan.md";

/// `bytes` as text, or where the first byte that is not UTF-8 sits
/// (1-based line, and 1-based byte within that line).
pub fn utf8_text(path: &str, bytes: Vec<u8>) -> Result<String, SourceError> {
    String::from_utf8(bytes).map_err(|error| {
        let bad = error.utf8_error().valid_up_to();
        let before = &error.as_bytes()[..bad];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |at| at + 1);
        SourceError::NotUtf8 {
            path: path.to_owned(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            byte: bad - line_start + 1,
        }
    })
}

/// The raw plan files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFiles {
    /// The CSV, when the team keeps one (a plan may be Markdown only).
    pub csv: Option<String>,
    /// The Markdown plan, when the source has one.
    pub markdown: Option<String>,
}

impl PlanFiles {
    /// The plan these files hold, in whichever forms they are.
    pub fn parse(&self) -> Result<Plan, PlanError> {
        Plan::parse_files(self.csv.clone(), self.markdown.clone())
    }

    /// Like [`PlanFiles::parse`], handing the texts to the plan rather
    /// than copying them (a large plan is not held twice while it loads).
    pub fn into_plan(self) -> Result<Plan, PlanError> {
        Plan::parse_files(self.csv, self.markdown)
    }
}

/// Changes whenever either file changes (size and modification time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(pub String);

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}:{line}: error: the file is not UTF-8 text (byte {byte} of that line is not)")]
    NotUtf8 { path: String, line: u32, byte: usize },
    #[error("found neither the CSV plan ({csv}) nor the Markdown plan ({markdown})")]
    NoPlanFiles { csv: String, markdown: String },
    #[error("{0}")]
    Remote(String),
}

#[async_trait]
pub trait PlanSource: Send + Sync + 'static {
    /// How to name the source to people (`/api/health`, logs).
    fn describe(&self) -> String;

    /// How to name the CSV in `path:LINE:` messages.
    fn csv_display_path(&self) -> String;

    /// How to name the Markdown plan in `path:LINE:` messages.
    fn markdown_display_path(&self) -> String {
        DEFAULT_MD_PATH.to_owned()
    }

    async fn fingerprint(&self) -> Result<Fingerprint, SourceError>;

    async fn load(&self) -> Result<PlanFiles, SourceError>;

    /// The versions between two fingerprints, oldest first, ending with
    /// `to`. Sources without history report one change with no author.
    async fn revisions_between(&self, _from: &Fingerprint, to: &Fingerprint) -> Result<Vec<PlanVersion>, SourceError> {
        Ok(vec![PlanVersion { id: to.0.clone(), author: None, url: None, files: None }])
    }
}

/// One version of the plan, as the change feed announces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    /// A commit sha, or the source's fingerprint.
    pub id: String,
    pub author: Option<String>,
    pub url: Option<String>,
    /// The plan files at this version; `None` means the newest loaded plan.
    pub files: Option<PlanFiles>,
}
