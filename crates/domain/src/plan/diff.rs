//! What changed between two versions of the plan, field by field, for the
//! change feed (`AUTH-005 status in-progress → completed`).

use super::{Column, Plan};

/// Fields worth announcing; notes and hints change too often to list.
const ANNOUNCED: [(Column, &str); 6] = [
    (Column::Status, "status"),
    (Column::Owner, "owner"),
    (Column::Priority, "priority"),
    (Column::Task, "title"),
    (Column::Dependencies, "dependencies"),
    (Column::CompletionDate, "completion date"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskChange {
    Added { id: String, title: String },
    Removed { id: String },
    Field { id: String, field: &'static str, from: String, to: String },
}

/// The changes from `before` to `after`, in the order of `after`, then
/// removals.
pub fn changes(before: &Plan, after: &Plan) -> Vec<TaskChange> {
    let mut found = Vec::new();
    for task in after.tasks() {
        let Some(old) = before.task(&task.id) else {
            found.push(TaskChange::Added { id: task.id.to_string(), title: task.title().to_owned() });
            continue;
        };
        for (column, field) in ANNOUNCED {
            let (from, to) = (old.get(column).trim(), task.get(column).trim());
            if from != to {
                found.push(TaskChange::Field {
                    id: task.id.to_string(),
                    field,
                    from: from.to_owned(),
                    to: to.to_owned(),
                });
            }
        }
    }
    for task in before.tasks().iter().filter(|t| after.task(&t.id).is_none()) {
        found.push(TaskChange::Removed { id: task.id.to_string() });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(rows: &[&str]) -> Plan {
        crate::plan::plan_of(rows)
    }

    #[test]
    fn field_changes_additions_and_removals_are_listed_and_notes_are_not() {
        let before = plan(&[
            "AUTH-005,P1,Tokens,backend,in-progress,high,,4,,,,old note,",
            "FE-004,P1,Login,frontend,todo,high,,3,,,,,",
        ]);
        let after = plan(&[
            "AUTH-005,P1,Tokens,backend,completed,high,,4,2025-10-27,,,new note,",
            "OPS-050,P2,Backups,ops,todo,low,,1,,,,,",
        ]);
        assert_eq!(
            changes(&before, &after),
            vec![
                TaskChange::Field {
                    id: "AUTH-005".into(),
                    field: "status",
                    from: "in-progress".into(),
                    to: "completed".into()
                },
                TaskChange::Field {
                    id: "AUTH-005".into(),
                    field: "completion date",
                    from: String::new(),
                    to: "2025-10-27".into()
                },
                TaskChange::Added { id: "OPS-050".into(), title: "Backups".into() },
                TaskChange::Removed { id: "FE-004".into() },
            ]
        );
    }
}
