//! `planbot check`: lint the plan like a compiler, `path:LINE: message`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use super::{CliError, plan_home};
use crate::clock::SystemClock;
use crate::config::{Config, Needs};
use crate::plan::Severity;
use crate::source::{DEFAULT_CSV_PATH, DEFAULT_MD_PATH, LivePlan, LocalFolder, PlanSource};

pub async fn check(path: Option<PathBuf>) -> Result<ExitCode, CliError> {
    let source: Arc<dyn PlanSource> = match path {
        Some(path) => source_at(&path)?,
        None => plan_home(&Config::from_env(Needs::Offline)?.plan_source)?.source,
    };
    let live = match LivePlan::load(Arc::clone(&source), Arc::new(SystemClock)).await {
        Ok(live) => live,
        Err(err) => {
            println!("{}: error: {err}", source.csv_display_path());
            return Ok(ExitCode::FAILURE);
        }
    };
    let loaded = live.current();
    let diagnostics = loaded.plan.lint();
    let csv_path = source.csv_display_path();
    for diagnostic in &diagnostics {
        println!("{}", diagnostic.render(&csv_path));
    }
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    eprintln!("{csv_path}: {} tasks, {errors} errors, {warnings} warnings", loaded.plan.tasks().len());
    Ok(if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// A plan folder (files at the configured relative paths) or a CSV file.
fn source_at(path: &Path) -> Result<Arc<dyn PlanSource>, CliError> {
    if path.is_dir() {
        let csv = std::env::var("PLAN_CSV_PATH").unwrap_or_else(|_| DEFAULT_CSV_PATH.to_owned());
        let markdown = std::env::var("PLAN_MD_PATH").unwrap_or_else(|_| DEFAULT_MD_PATH.to_owned());
        return Ok(Arc::new(LocalFolder::new(path, csv, markdown)));
    }
    if path.is_file() {
        let markdown = path.with_extension("md");
        return Ok(Arc::new(LocalFolder::new("", path, markdown)));
    }
    Err(CliError::Usage(format!("{} is neither a plan folder nor a CSV file", path.display())))
}
