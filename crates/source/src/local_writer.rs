//! Writing to a plan folder: each file is written to a temporary file in
//! the same folder and renamed over the old one, so a reader sees the old
//! file or the new one, never half of either.

use std::path::Path;

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use crate::writer::{Head, PlanWriter, WriteError, Written};
use crate::{LocalFolder, PlanSource};

async fn replace_atomically(path: &Path, contents: &str) -> Result<(), WriteError> {
    let transient = |err: std::io::Error| WriteError::Transient(format!("{}: {err}", path.display()));
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.planbot-{}", std::process::id()));
    tokio::fs::write(&temporary, contents).await.map_err(transient)?;
    tokio::fs::rename(&temporary, path).await.map_err(transient)
}

#[async_trait]
impl PlanWriter for LocalFolder {
    async fn read_head(&self) -> Result<Head, WriteError> {
        let transient = |err: crate::SourceError| WriteError::Transient(err.to_string());
        let revision = self.fingerprint().await.map_err(transient)?.0;
        let files = self.load().await.map_err(transient)?;
        Ok(Head { files, revision })
    }

    async fn write(
        &self,
        head: &Head,
        csv: Option<&str>,
        markdown: Option<&str>,
        _message: &str,
    ) -> Result<Written, WriteError> {
        // A person may have saved the file since we read it: then re-apply
        // on top of their version instead of overwriting it.
        let now = self.fingerprint().await.map_err(|e| WriteError::Transient(e.to_string()))?.0;
        if now != head.revision {
            return Err(WriteError::Stale);
        }
        let mut digest = Sha256::new();
        if let Some(csv) = csv {
            replace_atomically(self.csv_path(), csv).await?;
            digest.update(csv.as_bytes());
        }
        if let Some(markdown) = markdown {
            replace_atomically(self.markdown_path(), markdown).await?;
            digest.update(markdown.as_bytes());
        }
        let digest = hex::encode(digest.finalize());
        Ok(Written { commit_ref: format!("local-{}", &digest[..12]), url: None })
    }
}
