//! Questions about the dependency graph. Plans can be large and chains
//! long, so every walk is iterative (no recursion depth to blow).

use std::collections::HashSet;

use super::{Plan, Status};

/// The longest chain of unfinished work that ends in a task, by estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct CriticalPath {
    /// Positions from the first task to start up to the task itself.
    pub tasks: Vec<usize>,
    pub hours: f64,
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Active,
    Finished,
}

impl Plan {
    /// Dependencies that are not completed, plus ids that name no task
    /// (an unknown task cannot be known to be done).
    pub fn unmet_dependencies(&self, task: usize) -> Vec<String> {
        let known = self.dependencies_of(task).iter().map(|&d| &self.tasks()[d]);
        let mut unmet: Vec<String> = known.filter(|d| !d.is_done()).map(|d| d.id.to_string()).collect();
        unmet.extend(self.unknown_dependencies_of(task).map(ToString::to_string));
        unmet
    }

    /// Who can unblock `task`: the owner roles of its unfinished
    /// dependencies, each once, in dependency order.
    pub fn who_can_unblock(&self, task: usize) -> Vec<&str> {
        let mut roles: Vec<&str> = Vec::new();
        let unfinished = self.dependencies_of(task).iter().map(|&d| &self.tasks()[d]).filter(|d| !d.is_done());
        for role in unfinished.flat_map(|dependency| dependency.owners()) {
            if !roles.iter().any(|known| known.eq_ignore_ascii_case(role)) {
                roles.push(role);
            }
        }
        roles
    }

    /// Todo with every dependency completed.
    pub fn is_ready(&self, task: usize) -> bool {
        self.tasks()[task].status() == Some(Status::Todo) && self.unmet_dependencies(task).is_empty()
    }

    /// Every dependency reachable from `task`, depth first, each once, with
    /// its depth (1 = direct dependency).
    pub fn dependency_tree(&self, task: usize) -> Vec<(usize, usize)> {
        let mut seen = HashSet::from([task]);
        let mut out = Vec::new();
        let mut stack: Vec<(usize, usize)> = self.dependencies_of(task).iter().rev().map(|&d| (d, 1)).collect();
        while let Some((node, depth)) = stack.pop() {
            if !seen.insert(node) {
                continue;
            }
            out.push((node, depth));
            stack.extend(self.dependencies_of(node).iter().rev().map(|&d| (d, depth + 1)));
        }
        out
    }

    /// Each dependency cycle once, as positions in dependency order.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let mut marks = vec![Mark::New; self.tasks().len()];
        let mut seen_cycles = HashSet::new();
        let mut cycles = Vec::new();
        for root in 0..self.tasks().len() {
            if marks[root] != Mark::New {
                continue;
            }
            let mut path: Vec<(usize, usize)> = vec![(root, 0)];
            marks[root] = Mark::Active;
            while let Some((node, next_edge)) = path.last_mut() {
                let node = *node;
                let Some(&dep) = self.dependencies_of(node).get(*next_edge) else {
                    marks[node] = Mark::Finished;
                    path.pop();
                    continue;
                };
                *next_edge += 1;
                match marks[dep] {
                    Mark::New => {
                        marks[dep] = Mark::Active;
                        path.push((dep, 0));
                    }
                    Mark::Active => {
                        let from = path.iter().position(|&(n, _)| n == dep).unwrap_or(0);
                        let cycle: Vec<usize> = path[from..].iter().map(|&(n, _)| n).collect();
                        let mut key = cycle.clone();
                        key.sort_unstable();
                        if seen_cycles.insert(key) {
                            cycles.push(cycle);
                        }
                    }
                    Mark::Finished => {}
                }
            }
        }
        cycles
    }

    /// The chain of unfinished tasks leading to `task` with the most
    /// estimated hours, `task` included. Completed work costs nothing.
    pub fn critical_path(&self, task: usize) -> CriticalPath {
        OpenChains::new(self).path_to(task)
    }
}

/// The longest chain of unfinished work ending in each task, worked out
/// once per task however many tasks are asked about.
pub struct OpenChains<'p> {
    plan: &'p Plan,
    /// Hours of the chain ending in each task, and the task before it.
    best: Vec<Option<(f64, Option<usize>)>>,
    on_stack: Vec<bool>,
}

impl<'p> OpenChains<'p> {
    pub fn new(plan: &'p Plan) -> OpenChains<'p> {
        let tasks = plan.tasks().len();
        OpenChains { plan, best: vec![None; tasks], on_stack: vec![false; tasks] }
    }

    pub fn path_to(&mut self, task: usize) -> CriticalPath {
        self.fill(task);
        let best = &self.best;
        let total = best[task].map_or(0.0, |(h, _)| h);
        let mut chain = vec![task];
        while let Some(Some((_, Some(next)))) = chain.last().map(|&t| best[t]) {
            if chain.contains(&next) {
                break;
            }
            chain.push(next);
        }
        chain.reverse();
        CriticalPath { tasks: chain, hours: total }
    }

    /// Works out the chains ending in `task` and everything it waits on.
    fn fill(&mut self, task: usize) {
        let plan = self.plan;
        let hours = |t: usize| plan.tasks()[t].estimated_hours.valid().unwrap_or(0.0);
        let mut stack = vec![(task, false)];
        while let Some((node, expanded)) = stack.pop() {
            if self.best[node].is_some() {
                continue;
            }
            let open_deps = plan.dependencies_of(node).iter().copied().filter(|&d| !plan.tasks()[d].is_done());
            if !expanded {
                self.on_stack[node] = true;
                stack.push((node, true));
                let (best, on_stack) = (&self.best, &self.on_stack);
                stack.extend(open_deps.filter(|&d| best[d].is_none() && !on_stack[d]).map(|d| (d, false)));
                continue;
            }
            let best = &self.best;
            let longest = open_deps.filter_map(|d| best[d].map(|(h, _)| (h, d))).max_by(|a, b| a.0.total_cmp(&b.0));
            self.best[node] = Some((hours(node) + longest.map_or(0.0, |(h, _)| h), longest.map(|(_, d)| d)));
            self.on_stack[node] = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Plan, REQUIRED_COLUMNS};

    fn plan(rows: &[&str]) -> Plan {
        let text = format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n"));
        Plan::parse(text, None).expect("plan parses")
    }

    fn ids(plan: &Plan, positions: &[usize]) -> Vec<String> {
        positions.iter().map(|&p| plan.tasks()[p].id.to_string()).collect()
    }

    #[test]
    fn unmet_dependencies_include_unknown_ids_and_skip_done_ones() {
        let plan = plan(&["A-1,,a,,done,,,,,,,,", "B-2,,b,,todo,,,,,,,,", "C-3,,c,,todo,,\"A-1,B-2,Z-9\",,,,,,"]);
        assert_eq!(plan.unmet_dependencies(2), ["B-2", "Z-9"]);
        assert!(plan.is_ready(1));
        assert!(!plan.is_ready(2));
    }

    #[test]
    fn the_owners_of_unfinished_dependencies_can_unblock_a_task() {
        let plan = plan(&[
            "A-1,,a,ops,done,,,,,,,,",
            "B-2,,b,backend / data,todo,,,,,,,,",
            "C-3,,c,Backend,blocked,,,,,,,,",
            "D-4,,d,fe,blocked,,\"A-1,B-2,C-3,Z-9\",,,,,,",
        ]);
        // A-1 is done; `Backend` is `backend` again; Z-9 has no owner to ask.
        assert_eq!(plan.who_can_unblock(3), ["backend", "data"]);
        assert!(plan.who_can_unblock(0).is_empty());
    }

    #[test]
    fn a_cycle_is_reported_once_in_dependency_order() {
        let plan = plan(&[
            "A-1,,a,,todo,,C-3,,,,,,",
            "B-2,,b,,todo,,A-1,,,,,,",
            "C-3,,c,,todo,,B-2,,,,,,",
            "D-4,,d,,todo,,A-1,,,,,,",
        ]);
        let cycles = plan.cycles();
        assert_eq!(cycles.len(), 1);
        assert_eq!(ids(&plan, &cycles[0]), ["A-1", "C-3", "B-2"]);
    }

    #[test]
    fn the_critical_path_follows_the_most_hours_of_open_work() {
        let plan = plan(&[
            "A-1,,a,,todo,,,8,,,,,",
            "B-2,,b,,todo,,,2,,,,,",
            "C-3,,c,,completed,,,50,,,,,",
            "D-4,,d,,todo,,\"A-1,B-2,C-3\",3,,,,,",
            "E-5,,e,,todo,,D-4,1,,,,,",
        ]);
        let path = plan.critical_path(4);
        assert_eq!(ids(&plan, &path.tasks), ["A-1", "D-4", "E-5"]);
        assert_eq!(path.hours, 12.0);
    }

    #[test]
    fn the_critical_path_terminates_on_cycles() {
        let plan = plan(&["A-1,,a,,todo,,B-2,1,,,,,", "B-2,,b,,todo,,A-1,1,,,,,"]);
        assert_eq!(plan.critical_path(0).hours, 2.0);
    }

    #[test]
    fn the_dependency_tree_lists_each_task_once_with_its_depth() {
        let plan = plan(&["A-1,,a,,todo,,,,,,,,", "B-2,,b,,todo,,A-1,,,,,,", "C-3,,c,,todo,,\"B-2,A-1\",,,,,,"]);
        assert_eq!(plan.dependency_tree(2), vec![(1, 1), (0, 2)]);
    }
}
