//! `docs/ARCHITECTURE.md` states which planbot crate uses which; this
//! keeps that table equal to the `Cargo.toml` files, and the domain free of
//! async, HTTP and SQL crates.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Crates the domain must never use: it knows no async, I/O, HTTP or SQL.
const NOT_IN_THE_DOMAIN: [&str; 6] = ["tokio", "axum", "hyper", "reqwest", "sqlx", "slack-morphism"];

/// The names in a manifest's `[dependencies]` table.
fn dependencies(manifest: &Path) -> (String, BTreeSet<String>) {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut name = String::new();
    let mut section = String::new();
    let mut found = BTreeSet::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_owned();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let key = key.trim().trim_end_matches(".workspace").to_owned();
        match section.as_str() {
            "[package]" if key == "name" => name = value.trim().trim_matches('"').to_owned(),
            "[dependencies]" => {
                found.insert(key);
            }
            _ => {}
        }
    }
    (name, found)
}

/// Every crate of the workspace, with the planbot crates it uses.
fn actual_layers() -> BTreeMap<String, BTreeSet<String>> {
    let mut manifests = vec![Path::new(ROOT).join("Cargo.toml")];
    for entry in std::fs::read_dir(Path::new(ROOT).join("crates")).unwrap() {
        manifests.push(entry.unwrap().path().join("Cargo.toml"));
    }
    manifests
        .iter()
        .map(|manifest| {
            let (name, uses) = dependencies(manifest);
            (name, uses.into_iter().filter(|dep| dep.starts_with("planbot")).collect())
        })
        .collect()
}

/// The table between `<!-- layers:begin -->` and `<!-- layers:end -->`.
fn documented_layers() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/ARCHITECTURE.md")).unwrap();
    let table = doc.split("<!-- layers:begin -->").nth(1).unwrap().split("<!-- layers:end -->").next().unwrap();
    table
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let name = cells[1].trim_matches('`').to_owned();
            let uses =
                cells[3].split(',').map(|c| c.trim().trim_matches('`').to_owned()).filter(|c| c.starts_with("planbot"));
            (name, uses.collect())
        })
        .collect()
}

#[test]
fn the_documented_layers_are_the_crates_dependencies() {
    assert_eq!(documented_layers(), actual_layers(), "docs/ARCHITECTURE.md's table and the Cargo.toml files differ");
}

#[test]
fn layers_only_point_down() {
    // Ranked bottom to top; a crate may only use crates of a lower rank.
    let rank = |name: &str| match name {
        "planbot-domain" => 0,
        "planbot-reply" | "planbot-store" | "planbot-source" => 1,
        "planbot-slack" | "planbot-github" => 2,
        "planbot-app" => 3,
        _ => 4,
    };
    for (name, uses) in actual_layers() {
        for used in uses {
            assert!(rank(&used) < rank(&name), "{name} uses {used}, which is not below it");
        }
    }
}

#[test]
fn the_domain_knows_no_async_io_http_or_sql() {
    let (_, uses) = dependencies(&Path::new(ROOT).join("crates/domain/Cargo.toml"));
    for forbidden in NOT_IN_THE_DOMAIN {
        assert!(!uses.contains(forbidden), "planbot-domain depends on {forbidden}");
    }
}
