//! A standup update drafted from the work a person actually did: the
//! commits and merged pull requests that name one of their tasks or that
//! they authored, and the failing checks on their open pull requests.
//! Pure: the repository's activity comes in, already fetched once for
//! everyone; the draft is only ever offered, never posted.

use chrono::{DateTime, Utc};

use crate::plan::{Plan, Status, TaskId};

/// A commit on the plan's branch, as GitHub lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub sha: String,
    pub url: String,
    pub message: String,
    /// The GitHub account, when GitHub matched the author's e-mail to one.
    pub author_login: Option<String>,
    pub author_email: Option<String>,
    pub at: DateTime<Utc>,
}

/// A pull request: merged (with `merged_at`) or open (with the checks
/// failing on its head).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    pub title: String,
    pub url: String,
    pub branch: String,
    pub author_login: Option<String>,
    pub merged_at: Option<DateTime<Utc>>,
    pub failing_checks: Vec<String>,
}

/// What happened in the repository since some moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    pub commits: Vec<Commit>,
    pub merged: Vec<PullRequest>,
    pub open: Vec<PullRequest>,
}

/// Whose work to draft: their GitHub logins and e-mails, and the owner
/// roles whose tasks are theirs.
#[derive(Debug, Clone, Copy)]
pub struct Worker<'a> {
    pub logins: &'a [String],
    pub emails: &'a [String],
    pub roles: &'a [String],
    /// Only work after this moment (their last answer).
    pub since: DateTime<Utc>,
}

impl Worker<'_> {
    fn is(&self, login: Option<&str>, email: Option<&str>) -> bool {
        let login_matches = login.is_some_and(|l| self.logins.iter().any(|mine| mine.eq_ignore_ascii_case(l)));
        let email_matches = email.is_some_and(|e| self.emails.iter().any(|mine| mine.eq_ignore_ascii_case(e)));
        login_matches || email_matches
    }

    fn owns(&self, plan: &Plan, position: usize) -> bool {
        self.roles.iter().any(|role| plan.tasks()[position].owned_by(role))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkKind {
    Commit,
    Merged,
    FailingChecks,
    /// A plan change the person made through planbot.
    PlanChange,
}

/// One line of the draft, with where it links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftLine {
    pub kind: WorkKind,
    /// `abc1234 DEVOPS-035: fix the deploy script`, `#42 Login page`.
    pub text: String,
    pub url: String,
    pub tasks: Vec<TaskId>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub lines: Vec<DraftLine>,
    /// Open tasks a merged pull request says it closes (`closes T5`,
    /// `fixes DEVOPS-035`): offered as "mark completed?", never changed
    /// without the click.
    pub closes: Vec<TaskId>,
}

impl Draft {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The draft as the update form's first answer, one line each.
    pub fn as_text(&self) -> String {
        let line = |l: &DraftLine| match l.kind {
            WorkKind::Commit => format!("- {}", l.text),
            WorkKind::Merged => format!("- merged {}", l.text),
            WorkKind::FailingChecks => format!("- checks failing on {}", l.text),
            WorkKind::PlanChange => format!("- plan: {}", l.text),
        };
        self.lines.iter().map(line).collect::<Vec<_>>().join("\n")
    }
}

/// Commit and pull-request lines at most, so a busy week stays readable.
pub const MAX_DRAFT_LINES: usize = 15;
/// Words before a task id that say a merge finishes it.
const CLOSING_WORDS: [&str; 9] =
    ["close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved"];

/// The draft for `worker` from `activity`: their commits (by them, or
/// naming a task of theirs), their merged pull requests (by them, or
/// naming a task of theirs in the title or branch) and their open pull
/// requests with failing checks. Planbot's own plan commits
/// (`docs(plan): …`) are left out: plan changes come from planbot's records.
pub fn draft(plan: &Plan, activity: &Activity, worker: &Worker<'_>) -> Draft {
    let mine = |text: &str, login: Option<&str>, email: Option<&str>| -> Option<Vec<TaskId>> {
        let named = plan.tasks_named_in(text);
        let theirs = worker.is(login, email) || named.iter().any(|p| worker.owns(plan, *p));
        theirs.then(|| named.iter().map(|p| plan.tasks()[*p].id.clone()).collect())
    };
    let mut lines = Vec::new();
    for commit in activity.commits.iter().filter(|c| c.at > worker.since && !c.message.starts_with("docs(plan):")) {
        let subject = commit.message.lines().next().unwrap_or_default().trim();
        if let Some(tasks) = mine(&commit.message, commit.author_login.as_deref(), commit.author_email.as_deref()) {
            let short = commit.sha.get(..7).unwrap_or(&commit.sha);
            let text = format!("{short} {subject}");
            lines.push(DraftLine { kind: WorkKind::Commit, text, url: commit.url.clone(), tasks });
        }
    }
    let mut closes: Vec<TaskId> = Vec::new();
    for pull in activity.merged.iter().filter(|p| p.merged_at.is_some_and(|at| at > worker.since)) {
        let named = format!("{} {}", pull.title, pull.branch);
        if let Some(tasks) = mine(&named, pull.author_login.as_deref(), None) {
            for id in closed_by(plan, &pull.title) {
                if !closes.contains(&id) {
                    closes.push(id);
                }
            }
            let text = format!("#{} {}", pull.number, pull.title);
            lines.push(DraftLine { kind: WorkKind::Merged, text, url: pull.url.clone(), tasks });
        }
    }
    for pull in activity.open.iter().filter(|p| !p.failing_checks.is_empty()) {
        let named = format!("{} {}", pull.title, pull.branch);
        if let Some(tasks) = mine(&named, pull.author_login.as_deref(), None) {
            let text = format!("#{} {} ({})", pull.number, pull.title, pull.failing_checks.join(", "));
            lines.push(DraftLine { kind: WorkKind::FailingChecks, text, url: pull.url.clone(), tasks });
        }
    }
    lines.truncate(MAX_DRAFT_LINES);
    Draft { lines, closes }
}

/// Open tasks a title says it finishes: a closing word right before the id.
fn closed_by(plan: &Plan, title: &str) -> Vec<TaskId> {
    let words: Vec<&str> = title.split_whitespace().collect();
    words
        .windows(2)
        .filter(|pair| CLOSING_WORDS.contains(&pair[0].trim_end_matches(':').to_ascii_lowercase().as_str()))
        .filter_map(|pair| plan.tasks_named_in(pair[1]).first().copied())
        .filter(|p| plan.tasks()[*p].status() != Some(Status::Completed))
        .map(|p| plan.tasks()[p].id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        crate::plan::plan_of(&[
            "DEVOPS-035,P1,Deploy,devops,in-progress,high,,2,,,,,",
            "AUTH-005,P1,Login,backend,in-progress,high,,3,,,,,",
            "T5,P1,Tests,backend,completed,high,,3,,,,,",
        ])
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn commit(sha: &str, message: &str, login: Option<&str>, when: &str) -> Commit {
        Commit {
            sha: sha.into(),
            url: format!("https://github.com/o/r/commit/{sha}"),
            message: message.into(),
            author_login: login.map(Into::into),
            author_email: None,
            at: at(when),
        }
    }

    fn pull(
        number: u64,
        title: &str,
        branch: &str,
        login: &str,
        merged: Option<&str>,
        failing: &[&str],
    ) -> PullRequest {
        PullRequest {
            number,
            title: title.into(),
            url: format!("https://github.com/o/r/pull/{number}"),
            branch: branch.into(),
            author_login: Some(login.into()),
            merged_at: merged.map(at),
            failing_checks: failing.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn activity() -> Activity {
        Activity {
            commits: vec![
                commit(
                    "aaaaaaa1",
                    "DEVOPS-035: fix the deploy script\n\nlong body",
                    Some("someone"),
                    "2025-10-21T09:00:00Z",
                ),
                commit("bbbbbbb2", "tidy the README", Some("dana-gh"), "2025-10-21T10:00:00Z"),
                commit("ccccccc3", "AUTH-005 tokens", Some("ben-gh"), "2025-10-21T11:00:00Z"),
                commit("ddddddd4", "DEVOPS-035 old work", Some("dana-gh"), "2025-10-19T11:00:00Z"),
                commit("eeeeeee5", "docs(plan): mark DEVOPS-035 completed", None, "2025-10-21T12:00:00Z"),
            ],
            merged: vec![pull(
                42,
                "Deploy pipeline, closes DEVOPS-035",
                "feature/devops-035",
                "x",
                Some("2025-10-21T13:00:00Z"),
                &[],
            )],
            open: vec![
                pull(43, "Smoke tests", "dana/smoke", "dana-gh", None, &["ci / test"]),
                pull(44, "Login rework", "auth-005-rework", "ben-gh", None, &["lint"]),
            ],
        }
    }

    #[test]
    fn a_draft_holds_the_work_that_names_their_tasks_or_is_theirs() {
        let (logins, roles) = (vec!["dana-gh".to_owned()], vec!["devops".to_owned()]);
        let worker = Worker { logins: &logins, emails: &[], roles: &roles, since: at("2025-10-20T12:00:00Z") };
        let draft = draft(&plan(), &activity(), &worker);
        let texts: Vec<&str> = draft.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "aaaaaaa DEVOPS-035: fix the deploy script",
                "bbbbbbb tidy the README",
                "#42 Deploy pipeline, closes DEVOPS-035",
                "#43 Smoke tests (ci / test)"
            ]
        );
        assert_eq!(draft.lines[0].url, "https://github.com/o/r/commit/aaaaaaa1");
        assert_eq!(draft.closes, ["DEVOPS-035".parse::<TaskId>().unwrap()]);
        assert!(
            draft.as_text().starts_with("- aaaaaaa DEVOPS-035: fix the deploy script\n- bbbbbbb tidy the README\n")
        );
    }

    #[test]
    fn nobody_elses_work_and_nothing_old_or_completed_is_offered() {
        let roles = vec!["qa".to_owned()];
        let worker = Worker { logins: &[], emails: &[], roles: &roles, since: at("2025-10-20T12:00:00Z") };
        assert!(draft(&plan(), &activity(), &worker).is_empty());
        let title = "fixes T5 and closes AUTH-005";
        assert_eq!(closed_by(&plan(), title), ["AUTH-005".parse::<TaskId>().unwrap()], "T5 is completed already");
    }
}
