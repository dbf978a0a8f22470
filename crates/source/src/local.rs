//! A plan in a local folder (a checkout of the team's repo, or the example).

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use async_trait::async_trait;

use super::{Fingerprint, PlanFiles, PlanSource, SourceError};

#[derive(Debug, Clone)]
pub struct LocalFolder {
    root: PathBuf,
    csv: PathBuf,
    markdown: PathBuf,
}

impl LocalFolder {
    /// `csv` and `markdown` are relative to `root` (absolute paths work too).
    pub fn new(root: impl Into<PathBuf>, csv: impl AsRef<Path>, markdown: impl AsRef<Path>) -> LocalFolder {
        let root = root.into();
        LocalFolder { csv: root.join(csv), markdown: root.join(markdown), root }
    }

    pub fn csv_path(&self) -> &Path {
        &self.csv
    }

    pub fn markdown_path(&self) -> &Path {
        &self.markdown
    }
}

async fn stamp(path: &Path) -> String {
    match tokio::fs::metadata(path).await {
        Ok(meta) => {
            let modified = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).unwrap_or_default();
            format!("{}:{}", meta.len(), modified.as_nanos())
        }
        Err(_) => "absent".to_owned(),
    }
}

/// The file's text, or `None` when there is no such file.
async fn read_if_present(path: &Path) -> Result<Option<String>, SourceError> {
    match tokio::fs::read(path).await {
        Ok(bytes) => crate::utf8_text(&path.display().to_string(), bytes).map(Some),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SourceError::Read { path: path.display().to_string(), source }),
    }
}

#[async_trait]
impl PlanSource for LocalFolder {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    fn csv_display_path(&self) -> String {
        self.csv.display().to_string()
    }

    fn markdown_display_path(&self) -> String {
        self.markdown.display().to_string()
    }

    async fn fingerprint(&self) -> Result<Fingerprint, SourceError> {
        Ok(Fingerprint(format!("{}|{}", stamp(&self.csv).await, stamp(&self.markdown).await)))
    }

    async fn load(&self) -> Result<PlanFiles, SourceError> {
        let csv = read_if_present(&self.csv).await?;
        let markdown = read_if_present(&self.markdown).await?;
        if csv.is_none() && markdown.is_none() {
            return Err(SourceError::NoPlanFiles {
                csv: self.csv.display().to_string(),
                markdown: self.markdown.display().to_string(),
            });
        }
        Ok(PlanFiles { csv, markdown })
    }
}
