//! The example plan compiled into the binary, so a newcomer can try
//! planbot anywhere with nothing to configure. The files are the ones in
//! `examples/autorisen/`, built from the team's seed documents.

use async_trait::async_trait;

use super::{DEFAULT_CSV_PATH, Fingerprint, PlanFiles, PlanSource, SourceError};

const CSV: &str = include_str!("../../../examples/autorisen/docs/autorisen_project_plan.csv");
const MARKDOWN: &str = include_str!("../../../examples/autorisen/docs/project_plan.md");

#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinExample;

impl BuiltinExample {
    pub const NAME: &'static str = "builtin:autorisen";
}

#[async_trait]
impl PlanSource for BuiltinExample {
    fn describe(&self) -> String {
        format!("{} (the example plan shipped in the binary)", Self::NAME)
    }

    fn csv_display_path(&self) -> String {
        DEFAULT_CSV_PATH.to_owned()
    }

    async fn fingerprint(&self) -> Result<Fingerprint, SourceError> {
        Ok(Fingerprint(Self::NAME.to_owned()))
    }

    async fn load(&self) -> Result<PlanFiles, SourceError> {
        Ok(PlanFiles { csv: Some(CSV.to_owned()), markdown: Some(MARKDOWN.to_owned()) })
    }
}
