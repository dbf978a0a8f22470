//! Finding tasks and owners by what people type: ids with the wrong case or
//! zeros (`devops-35`), words from titles and notes, owner names.

use super::{Plan, TaskId};

const MAX_SUGGESTIONS: usize = 3;

impl Plan {
    /// The ids closest to something that is not an id in the plan: same
    /// prefix and number first, then by edit distance.
    pub fn suggest_ids(&self, typed: &str) -> Vec<&TaskId> {
        let loose = TaskId::loose_key(typed);
        let typed_upper = typed.trim().to_ascii_uppercase();
        let mut scored: Vec<(usize, &TaskId)> = self
            .tasks()
            .iter()
            .map(|task| {
                let id = &task.id;
                let distance = if TaskId::loose_key(id.as_str()) == loose {
                    0
                } else {
                    1 + edit_distance(&typed_upper, id.as_str())
                };
                (distance, id)
            })
            .filter(|(distance, _)| *distance <= 1 + typed_upper.len().max(3) / 3)
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        // The same prefix and number is unambiguous: show only that.
        if scored.first().is_some_and(|(distance, _)| *distance == 0) {
            scored.retain(|(distance, _)| *distance == 0);
        }
        scored.into_iter().take(MAX_SUGGESTIONS).map(|(_, id)| id).collect()
    }

    /// Positions of tasks whose id, title or notes contain every word.
    pub fn search(&self, words: &[&str]) -> Vec<usize> {
        let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Vec::new();
        }
        self.tasks()
            .iter()
            .enumerate()
            .filter(|(_, task)| {
                let haystack = format!("{} {} {}", task.id, task.title(), task.notes()).to_lowercase();
                words.iter().all(|word| haystack.contains(word.as_str()))
            })
            .map(|(position, _)| position)
            .collect()
    }

    /// The owner role as the plan spells it, ignoring case.
    pub fn find_owner(&self, typed: &str) -> Option<&str> {
        self.owners().into_iter().find(|owner| owner.eq_ignore_ascii_case(typed.trim()))
    }

    /// Owner roles close to what was typed, for "did you mean".
    pub fn suggest_owners(&self, typed: &str) -> Vec<&str> {
        let typed = typed.trim().to_ascii_lowercase();
        let mut scored: Vec<(usize, &str)> = self
            .owners()
            .into_iter()
            .map(|owner| (edit_distance(&typed, &owner.to_ascii_lowercase()), owner))
            .filter(|(distance, owner)| *distance <= 2 || owner.to_ascii_lowercase().starts_with(&typed))
            .collect();
        scored.sort();
        scored.into_iter().take(MAX_SUGGESTIONS).map(|(_, owner)| owner).collect()
    }
}

/// Levenshtein distance over chars, two rows of memory.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::super::{Plan, REQUIRED_COLUMNS};
    use super::*;

    fn plan() -> Plan {
        let rows = [
            "DEVOPS-035,,Prod deploy / Capecraft,devops,blocked,,,,,,,Waiting on backend suite,",
            "DEVOPS-033,,Staging deploy,devops,busy,,,,,,,,",
            "AUTH-005,,Security hardening & tests,backend,busy,,,,,,,CSRF refactor,",
        ];
        Plan::parse(format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n")), None).unwrap()
    }

    #[test]
    fn a_loosely_typed_id_finds_the_real_one_first() {
        let plan = plan();
        let suggestions: Vec<&str> = plan.suggest_ids("devops-35").into_iter().map(TaskId::as_str).collect();
        assert_eq!(suggestions, ["DEVOPS-035"]);
        let typo: Vec<&str> = plan.suggest_ids("AUTH-05").into_iter().map(TaskId::as_str).collect();
        assert_eq!(typo, ["AUTH-005"]);
        assert!(plan.suggest_ids("ZZZZZZZZ-999").is_empty());
    }

    #[test]
    fn search_needs_every_word_in_id_title_or_notes() {
        let plan = plan();
        assert_eq!(plan.search(&["deploy"]), vec![0, 1]);
        assert_eq!(plan.search(&["DEPLOY", "backend"]), vec![0]);
        assert_eq!(plan.search(&["csrf"]), vec![2]);
    }

    #[test]
    fn owners_are_matched_ignoring_case_and_suggested_on_typos() {
        let plan = plan();
        assert_eq!(plan.find_owner("DevOps"), Some("devops"));
        assert_eq!(plan.suggest_owners("backnd"), ["backend"]);
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
