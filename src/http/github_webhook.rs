//! `POST /github/webhook`: a push to the plan's branch reloads the plan at
//! once instead of at the next poll. Deliveries are verified, answered
//! fast, and a redelivered one is recognised by its `X-GitHub-Delivery`.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use tokio::sync::Notify;

use super::AppState;
use crate::github::{WebhookSecret, verify_webhook};

/// Deliveries remembered for deduplication (GitHub redelivers by hand, so a
/// short memory is enough: a refresh is harmless, only wasteful).
const REMEMBERED: usize = 1024;

pub struct GitHubWebhook {
    pub secret: WebhookSecret,
    /// `refs/heads/BRANCH` of the plan.
    pub plan_ref: String,
    pub reload: Arc<Notify>,
    seen: Mutex<(VecDeque<String>, HashSet<String>)>,
}

impl GitHubWebhook {
    pub fn new(secret: WebhookSecret, branch: &str, reload: Arc<Notify>) -> GitHubWebhook {
        GitHubWebhook { secret, plan_ref: format!("refs/heads/{branch}"), reload, seen: Mutex::default() }
    }

    /// True the first time a delivery id is seen.
    fn first_delivery(&self, id: &str) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (order, ids) = &mut *seen;
        if !ids.insert(id.to_owned()) {
            return false;
        }
        order.push_back(id.to_owned());
        if order.len() > REMEMBERED {
            if let Some(oldest) = order.pop_front() {
                ids.remove(&oldest);
            }
        }
        true
    }
}

#[derive(Deserialize)]
struct Push {
    #[serde(rename = "ref")]
    git_ref: Option<String>,
}

pub async fn handle(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let Some(hook) = &state.github_webhook else {
        return StatusCode::NOT_FOUND;
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if !verify_webhook(&hook.secret, header("x-hub-signature-256"), &body) {
        tracing::warn!("rejected a GitHub webhook with a missing or wrong signature");
        return StatusCode::UNAUTHORIZED;
    }
    let delivery = header("x-github-delivery").unwrap_or_default();
    if !delivery.is_empty() && !hook.first_delivery(delivery) {
        tracing::info!(delivery, "GitHub webhook delivered again; already handled");
        return StatusCode::OK;
    }
    let event = header("x-github-event").unwrap_or_default();
    let pushed_plan_branch = event == "push"
        && serde_json::from_slice::<Push>(&body).ok().and_then(|push| push.git_ref).as_deref()
            == Some(hook.plan_ref.as_str());
    if pushed_plan_branch {
        tracing::info!(delivery, "push to the plan's branch; reloading");
        hook.reload.notify_one();
    }
    StatusCode::ACCEPTED
}
