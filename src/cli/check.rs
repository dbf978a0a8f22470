//! `planbot check`: lint the plan like a compiler, `path:LINE: message`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use super::{CliError, plan_home};
use crate::config::{Config, Needs};
use crate::plan::{PlanPaths, Severity, TaskForm};
use crate::source::{DEFAULT_CSV_PATH, DEFAULT_MD_PATH, LocalFolder, PlanSource, SourceError};

pub async fn check(path: Option<PathBuf>) -> Result<ExitCode, CliError> {
    let source: Arc<dyn PlanSource> = match path {
        Some(path) => source_at(&path)?,
        None => plan_home(&Config::from_env(Needs::Offline)?.plan_source)?.source,
    };
    let csv_path = source.csv_display_path();
    let markdown_path = source.markdown_display_path();
    // The files as they are, damaged or not: check says what is wrong
    // with a version the service would refuse.
    let files = match source.load().await {
        Ok(files) => files,
        Err(error @ SourceError::NotUtf8 { .. }) => {
            println!("{error}");
            return Ok(ExitCode::FAILURE);
        }
        Err(error) => {
            println!("{csv_path}: error: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let plan = match files.parse() {
        Ok(plan) => plan,
        Err(error) => {
            println!("{csv_path}: error: {error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let diagnostics = plan.lint();
    for diagnostic in &diagnostics {
        println!("{}", diagnostic.render(PlanPaths { csv: &csv_path, markdown: &markdown_path }));
    }
    let errors = diagnostics.iter().filter(|d| d.severity != Severity::Warning).count();
    let warnings = diagnostics.len() - errors;
    let from_csv = plan.tasks().iter().filter(|t| t.form == TaskForm::Csv).count();
    match plan.has_csv() {
        true => eprintln!("{csv_path}: {from_csv} tasks"),
        false => eprintln!("{csv_path}: not found (the plan is Markdown only)"),
    }
    match plan.markdown() {
        Some(markdown) => {
            eprintln!("{markdown_path}: {} tasks, {} milestones", markdown.tasks.len(), markdown.milestones.len())
        }
        None => eprintln!("{markdown_path}: not found (no Markdown tasks or milestones)"),
    }
    eprintln!("{errors} errors, {warnings} warnings");
    Ok(if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// A plan folder (files at the configured relative paths) or a CSV file.
fn source_at(path: &Path) -> Result<Arc<dyn PlanSource>, CliError> {
    if path.is_dir() {
        let csv = std::env::var("PLAN_CSV_PATH").unwrap_or_else(|_| DEFAULT_CSV_PATH.to_owned());
        let markdown = std::env::var("PLAN_MD_PATH").unwrap_or_else(|_| DEFAULT_MD_PATH.to_owned());
        return Ok(Arc::new(LocalFolder::new(path, csv, markdown)));
    }
    let is_markdown = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("md"));
    if path.is_file() && is_markdown {
        return Ok(Arc::new(LocalFolder::new("", path.with_extension("csv"), path)));
    }
    if path.is_file() {
        let markdown = path.with_extension("md");
        return Ok(Arc::new(LocalFolder::new("", path, markdown)));
    }
    Err(CliError::Usage(format!("{} is neither a plan folder nor a CSV or Markdown file", path.display())))
}
