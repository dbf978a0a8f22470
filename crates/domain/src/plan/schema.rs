//! The plan CSV's schema: which columns must exist and where they are.

/// The columns the schema requires, in the seeds' order.
pub const REQUIRED_COLUMNS: [&str; 13] = [
    "id",
    "phase",
    "task",
    "owner",
    "status",
    "priority",
    "dependencies",
    "estimated_hours",
    "completion_date",
    "artifacts",
    "verification",
    "notes",
    "codex_hints",
];

/// A column the schema names; the discriminant indexes `REQUIRED_COLUMNS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Id,
    Phase,
    Task,
    Owner,
    Status,
    Priority,
    Dependencies,
    EstimatedHours,
    CompletionDate,
    Artifacts,
    Verification,
    Notes,
    CodexHints,
}

impl Column {
    /// Every column, in `REQUIRED_COLUMNS`' order.
    const ALL: [Column; REQUIRED_COLUMNS.len()] = [
        Column::Id,
        Column::Phase,
        Column::Task,
        Column::Owner,
        Column::Status,
        Column::Priority,
        Column::Dependencies,
        Column::EstimatedHours,
        Column::CompletionDate,
        Column::Artifacts,
        Column::Verification,
        Column::Notes,
        Column::CodexHints,
    ];

    pub fn name(self) -> &'static str {
        REQUIRED_COLUMNS[self as usize]
    }

    /// The column a header name means (any case).
    pub fn named(name: &str) -> Option<Column> {
        let name = name.trim();
        Self::ALL.into_iter().find(|column| column.name().eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("the plan CSV is empty: it needs the header {}", REQUIRED_COLUMNS.join(","))]
    Empty,
    #[error("the plan CSV header lacks the column{} {}", if .0.len() == 1 { "" } else { "s" }, .0.join(", "))]
    MissingColumns(Vec<String>),
}

/// Positions of the schema's columns in this file's header (files may order
/// columns freely and add their own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    required: [usize; REQUIRED_COLUMNS.len()],
    names: Vec<String>,
}

impl Columns {
    pub fn from_header<'a>(header: impl IntoIterator<Item = &'a str>) -> Result<Columns, SchemaError> {
        let names: Vec<String> =
            header.into_iter().map(|name| name.trim_start_matches('\u{feff}').trim().to_owned()).collect();
        let mut required = [0; REQUIRED_COLUMNS.len()];
        let mut missing = Vec::new();
        for (slot, wanted) in required.iter_mut().zip(REQUIRED_COLUMNS) {
            match names.iter().position(|name| name.eq_ignore_ascii_case(wanted)) {
                Some(index) => *slot = index,
                None => missing.push(wanted.to_owned()),
            }
        }
        if missing.is_empty() { Ok(Columns { required, names }) } else { Err(SchemaError::MissingColumns(missing)) }
    }

    pub fn index(&self, column: Column) -> usize {
        self.required[column as usize]
    }

    /// Any header column by name, the file's own extra columns included.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name.trim()))
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_may_come_in_any_order_with_extras() {
        let mut names: Vec<&str> = REQUIRED_COLUMNS.iter().rev().copied().collect();
        names.push("sprint");
        let columns = Columns::from_header(names).unwrap();
        assert_eq!(columns.index(Column::Id), 12);
        assert_eq!(columns.index_of("Sprint"), Some(13));
    }

    #[test]
    fn a_missing_column_is_named() {
        let names: Vec<&str> = REQUIRED_COLUMNS.iter().copied().filter(|c| *c != "owner").collect();
        let err = Columns::from_header(names).unwrap_err();
        assert_eq!(err.to_string(), "the plan CSV header lacks the column owner");
    }
}
