//! Answers to plan questions are functions of (plan version, question,
//! day) and of what planbot keeps that only commands change (roles,
//! holidays, leave: `blockers` names people and counts working days):
//! each is computed and rendered for Slack once, then served from here
//! until the plan or the day changes, or a command that may write runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::NaiveDate;

use crate::command::Request;
use planbot_source::LoadedPlan;

/// A slash command's answer as Slack receives it.
#[derive(Debug, Clone)]
pub struct RenderedAnswer {
    /// The acknowledgement's JSON body.
    pub json: Bytes,
    /// Nothing was answered (an unknown id or verb): counted as refused.
    pub refused: bool,
}

/// Distinct questions kept per plan version and day; `search` can be
/// asked with any words, so the cache starts over rather than grow.
const MAX_ANSWERS: usize = 4096;

#[derive(Default)]
struct Answers {
    /// The plan version and day the answers belong to.
    plan: Option<Arc<LoadedPlan>>,
    today: Option<NaiveDate>,
    by_question: HashMap<Request, RenderedAnswer>,
}

impl Answers {
    fn is_for(&self, plan: &Arc<LoadedPlan>, today: NaiveDate) -> bool {
        self.today == Some(today) && self.plan.as_ref().is_some_and(|kept| Arc::ptr_eq(kept, plan))
    }
}

#[derive(Default)]
pub(crate) struct AnswerCache {
    answers: Mutex<Answers>,
}

impl AnswerCache {
    pub fn get(&self, plan: &Arc<LoadedPlan>, today: NaiveDate, request: &Request) -> Option<RenderedAnswer> {
        let answers = self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !answers.is_for(plan, today) {
            return None;
        }
        answers.by_question.get(request).cloned()
    }

    /// Forgets every kept answer (a change they read that the plan
    /// version does not show).
    pub fn clear(&self) {
        let mut answers = self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *answers = Answers::default();
    }

    pub fn put(&self, plan: &Arc<LoadedPlan>, today: NaiveDate, request: &Request, answer: RenderedAnswer) {
        let mut answers = self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !answers.is_for(plan, today) || answers.by_question.len() >= MAX_ANSWERS {
            // Holding the plan keeps its address from being reused by another.
            *answers = Answers { plan: Some(Arc::clone(plan)), today: Some(today), by_question: HashMap::new() };
        }
        answers.by_question.insert(request.clone(), answer);
    }
}
