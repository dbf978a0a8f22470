//! A plan held in memory: generated plans for `bench`, fixtures in tests.

use async_trait::async_trait;

use super::{DEFAULT_CSV_PATH, Fingerprint, PlanFiles, PlanSource, SourceError};

#[derive(Debug, Clone)]
pub struct InMemory {
    name: String,
    files: PlanFiles,
}

impl InMemory {
    pub fn new(name: impl Into<String>, files: PlanFiles) -> InMemory {
        InMemory { name: name.into(), files }
    }
}

#[async_trait]
impl PlanSource for InMemory {
    fn describe(&self) -> String {
        self.name.clone()
    }

    fn csv_display_path(&self) -> String {
        DEFAULT_CSV_PATH.to_owned()
    }

    async fn fingerprint(&self) -> Result<Fingerprint, SourceError> {
        Ok(Fingerprint(self.name.clone()))
    }

    async fn load(&self) -> Result<PlanFiles, SourceError> {
        Ok(self.files.clone())
    }
}
