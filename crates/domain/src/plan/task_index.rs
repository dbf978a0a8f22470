//! The plan's tasks by id: a table of positions into the task list, whose
//! ids it hashes and compares in place. A plan is held for as long as it is
//! served; this keeps 4 bytes a task where a map from `TaskId` to position
//! kept 24 (a second pointer to the id, and a `usize`).

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use super::Task;

#[derive(Debug, Clone, Default)]
pub(crate) struct TaskIndex {
    positions: HashTable<u32>,
}

impl TaskIndex {
    /// Indexes `tasks`; the first task with an id wins, as a reader of the
    /// file finds it.
    pub(crate) fn of(tasks: &[Task]) -> TaskIndex {
        let mut positions = HashTable::with_capacity(tasks.len());
        for (position, task) in tasks.iter().enumerate() {
            // A plan is at most `MAX_PLAN_BYTES`, far fewer tasks than `u32::MAX`.
            let Ok(position) = u32::try_from(position) else { break };
            let id = task.id.as_str();
            let hash = FxBuildHasher.hash_one(id);
            let found = positions.find(hash, |&other: &u32| tasks[other as usize].id.as_str() == id);
            if found.is_none() {
                positions
                    .insert_unique(hash, position, |&other| FxBuildHasher.hash_one(tasks[other as usize].id.as_str()));
            }
        }
        TaskIndex { positions }
    }

    /// The position in `tasks` (the list it was built from) of the task `id`.
    pub(crate) fn get(&self, tasks: &[Task], id: &str) -> Option<usize> {
        let hash = FxBuildHasher.hash_one(id);
        self.positions
            .find(hash, |&position| tasks.get(position as usize).is_some_and(|task| task.id.as_str() == id))
            .map(|&position| position as usize)
    }
}
