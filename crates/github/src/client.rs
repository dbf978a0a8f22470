//! A thin GitHub REST client over the few endpoints planbot needs, with
//! GitHub's status codes turned into errors the committer can act on.

use std::time::Duration;

use base64::Engine;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, ETAG, HeaderMap, IF_NONE_MATCH, USER_AGENT};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};

use super::app::AppCredentials;

const API_VERSION: &str = "2022-11-28";
const JSON: &str = "application/vnd.github+json";
const RAW: &str = "application/vnd.github.raw+json";
/// When GitHub limits us without saying for how long.
const DEFAULT_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// A token for GitHub's API, kept out of `Debug` and logs by `secrecy`.
#[derive(Clone, Debug)]
pub struct GitHubToken(SecretString);

impl GitHubToken {
    pub fn new(token: impl Into<String>) -> GitHubToken {
        GitHubToken(SecretString::from(token.into()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitHubError {
    #[error("GitHub refused the credentials (401): {0}")]
    Unauthorized(String),
    #[error("GitHub asks planbot to wait {0:?} (rate limit)")]
    RateLimited(Duration),
    /// 409, or 422 "not a fast forward": someone else moved the branch.
    #[error("the branch moved on GitHub ({status}): {message}")]
    Moved { status: u16, message: String },
    #[error("not found on GitHub: {0}")]
    NotFound(String),
    #[error("GitHub answered {status}: {message}")]
    Server { status: u16, message: String },
    #[error("GitHub refused the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("cannot reach GitHub: {0}")]
    Transport(String),
}

/// A successful answer (or `304 Not Modified`).
#[derive(Debug)]
pub struct Answer {
    pub not_modified: bool,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    /// A file's bytes, whether GitHub honoured the raw media type or sent
    /// the JSON form (`content` in base64, wrapped with newlines).
    pub fn file_bytes(self) -> Result<Vec<u8>, GitHubError> {
        let is_json = self.content_type.as_deref().is_some_and(|t| t.contains("json"));
        if !is_json {
            return Ok(self.body);
        }
        let file: Value = self.json()?;
        match (file.get("encoding").and_then(Value::as_str), file.get("content").and_then(Value::as_str)) {
            (Some("base64"), Some(content)) => {
                let packed: String = content.split_whitespace().collect();
                base64::engine::general_purpose::STANDARD
                    .decode(packed)
                    .map_err(|err| GitHubError::Server { status: 200, message: format!("bad base64 content: {err}") })
            }
            _ => Ok(self.body),
        }
    }

    pub fn json<T: for<'de> Deserialize<'de>>(&self) -> Result<T, GitHubError> {
        serde_json::from_slice(&self.body)
            .map_err(|err| GitHubError::Server { status: 200, message: format!("unexpected answer: {err}") })
    }
}

/// How planbot proves itself to GitHub.
#[derive(Clone, Debug)]
pub enum GitHubAuth {
    /// A fine-grained personal access token (Contents: read and write).
    Token(GitHubToken),
    /// A GitHub App installation: tokens are minted and renewed.
    App(std::sync::Arc<AppCredentials>),
}

#[derive(Clone)]
pub struct GitHubClient {
    http: reqwest::Client,
    api_url: String,
    auth: GitHubAuth,
}

#[derive(Deserialize)]
struct InstallationToken {
    token: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

impl GitHubClient {
    pub fn new(api_url: &str, token: GitHubToken) -> Result<GitHubClient, GitHubError> {
        GitHubClient::with_auth(api_url, GitHubAuth::Token(token))
    }

    pub fn with_auth(api_url: &str, auth: GitHubAuth) -> Result<GitHubClient, GitHubError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|err| GitHubError::Transport(err.to_string()))?;
        Ok(GitHubClient { http, api_url: api_url.trim_end_matches('/').to_owned(), auth })
    }

    /// The bearer for the next request: the token, or an installation
    /// token (minted when none is cached or it is about to expire).
    async fn bearer(&self) -> Result<String, GitHubError> {
        let app = match &self.auth {
            GitHubAuth::Token(token) => return Ok(token.0.expose_secret().to_owned()),
            GitHubAuth::App(app) => app,
        };
        let now = chrono::Utc::now();
        if let Some(token) = app.cached_token(now) {
            return Ok(token);
        }
        let jwt = app.jwt(now).map_err(|e| GitHubError::Unauthorized(e.to_string()))?;
        let path = format!("/app/installations/{}/access_tokens", app.installation_id);
        let answer = self.send_as(&jwt, Method::POST, &path, JSON, Some(json!({})), None).await?;
        let minted: InstallationToken = answer.json()?;
        app.store_token(minted.token.clone(), minted.expires_at);
        Ok(minted.token)
    }

    pub async fn get(&self, path: &str, raw: bool, etag: Option<&str>) -> Result<Answer, GitHubError> {
        self.send(Method::GET, path, if raw { RAW } else { JSON }, None, etag).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Result<Answer, GitHubError> {
        self.send(Method::POST, path, JSON, Some(body), None).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Result<Answer, GitHubError> {
        self.send(Method::PATCH, path, JSON, Some(body), None).await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        accept: &str,
        body: Option<Value>,
        etag: Option<&str>,
    ) -> Result<Answer, GitHubError> {
        let bearer = self.bearer().await?;
        let result = self.send_as(&bearer, method.clone(), path, accept, body.clone(), etag).await;
        match (&self.auth, result) {
            // An installation token can be revoked early: mint a new one once.
            (GitHubAuth::App(app), Err(GitHubError::Unauthorized(_))) => {
                app.forget_token();
                let bearer = self.bearer().await?;
                self.send_as(&bearer, method, path, accept, body, etag).await
            }
            (_, result) => result,
        }
    }

    async fn send_as(
        &self,
        bearer: &str,
        method: Method,
        path: &str,
        accept: &str,
        body: Option<Value>,
        etag: Option<&str>,
    ) -> Result<Answer, GitHubError> {
        let verb = method.as_str().to_owned();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.api_url))
            .header(AUTHORIZATION, format!("Bearer {bearer}"))
            .header(ACCEPT, accept)
            .header("X-GitHub-Api-Version", API_VERSION)
            .header(USER_AGENT, concat!("planbot/", env!("CARGO_PKG_VERSION")));
        if let Some(etag) = etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|err| {
            metrics::counter!("planbot_github_calls_total", "method" => verb.clone(), "status" => "failed")
                .increment(1);
            GitHubError::Transport(err.without_url().to_string())
        })?;
        let status = response.status();
        metrics::counter!("planbot_github_calls_total", "method" => verb, "status" => status.as_str().to_owned())
            .increment(1);
        let headers = response.headers().clone();
        let etag = headers.get(ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = response.bytes().await.map_err(|err| GitHubError::Transport(err.to_string()))?.to_vec();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Answer { not_modified: true, etag, content_type, body });
        }
        if status.is_success() {
            return Ok(Answer { not_modified: false, etag, content_type, body });
        }
        Err(classify(status, &headers, &body))
    }
}

fn classify(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> GitHubError {
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(200).collect());
    let code = status.as_u16();
    match status {
        StatusCode::UNAUTHORIZED => GitHubError::Unauthorized(message),
        StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS => match rate_limit_wait(headers) {
            Some(wait) => GitHubError::RateLimited(wait),
            None if status == StatusCode::TOO_MANY_REQUESTS => GitHubError::RateLimited(DEFAULT_LIMIT_WAIT),
            None if message.to_ascii_lowercase().contains("rate limit") => GitHubError::RateLimited(DEFAULT_LIMIT_WAIT),
            None => GitHubError::Rejected { status: code, message },
        },
        StatusCode::CONFLICT => GitHubError::Moved { status: code, message },
        StatusCode::UNPROCESSABLE_ENTITY if message.to_ascii_lowercase().contains("fast forward") => {
            GitHubError::Moved { status: code, message }
        }
        StatusCode::NOT_FOUND => GitHubError::NotFound(message),
        s if s.is_server_error() => GitHubError::Server { status: code, message },
        _ => GitHubError::Rejected { status: code, message },
    }
}

/// `retry-after` (seconds), else the primary limit's reset time when it
/// is spent (`x-ratelimit-reset`, Unix seconds).
fn rate_limit_wait(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(seconds) = header("retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_secs(seconds));
    }
    if header("x-ratelimit-remaining") == Some("0") {
        let reset = header("x-ratelimit-reset")?.parse::<i64>().ok()?;
        let wait = reset - chrono::Utc::now().timestamp();
        return Some(Duration::from_secs(u64::try_from(wait.max(1)).unwrap_or(1)));
    }
    None
}

/// The JSON for a tree that changes `files` on top of `base_tree`.
pub fn tree_body(base_tree: &str, files: &[(&str, &str)]) -> Value {
    let entries: Vec<Value> = files
        .iter()
        .map(|(path, content)| json!({"path": path, "mode": "100644", "type": "blob", "content": content}))
        .collect();
    json!({"base_tree": base_tree, "tree": entries})
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn statuses_become_errors_the_committer_can_act_on() {
        let body = br#"{"message":"Update is not a fast forward"}"#;
        assert!(matches!(
            classify(StatusCode::UNPROCESSABLE_ENTITY, &headers(&[]), body),
            GitHubError::Moved { status: 422, .. }
        ));
        assert!(matches!(classify(StatusCode::CONFLICT, &headers(&[]), b"{}"), GitHubError::Moved { .. }));
        assert!(matches!(
            classify(StatusCode::BAD_GATEWAY, &headers(&[]), b"<html>"),
            GitHubError::Server { status: 502, .. }
        ));
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, &headers(&[("retry-after", "7")]), b"{}"),
            GitHubError::RateLimited(Duration::from_secs(7))
        );
        let reset = (chrono::Utc::now().timestamp() + 120).to_string();
        match classify(
            StatusCode::FORBIDDEN,
            &headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &reset)]),
            b"{}",
        ) {
            GitHubError::RateLimited(wait) => assert!((118..=121).contains(&wait.as_secs()), "{wait:?}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify(StatusCode::FORBIDDEN, &headers(&[]), br#"{"message":"Resource not accessible"}"#),
            GitHubError::Rejected { .. }
        ));
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        assert!(!format!("{:?}", GitHubToken::new("ghp_secret")).contains("ghp_secret"));
    }
}
