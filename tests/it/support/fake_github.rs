//! A fake GitHub REST API with GitHub's semantics for what planbot uses:
//! git blob shas, branch refs with ETags and `304`, raw and base64
//! contents, the Git Data endpoints with the fast-forward rule (`422`),
//! bearer-token auth (`401`), rate-limit headers, and injectable faults
//! (bursts of `5xx`, `403`/`429` with `Retry-After`, a human commit landing
//! between planbot's read and its write).
//!
//! For standup drafts it also lists work as GitHub does: `GET commits`
//! (`sha`, `since`, `until`, `author` as login or e-mail, newest first),
//! `GET pulls` (`state`, `sort`, `direction`) and `GET
//! commits/{ref}/check-runs`, paged (`per_page` up to 100, `page`, a
//! `Link: rel="next"` header) and with ETags answered `304` on
//! `If-None-Match`. The listed history is the work commits a test adds.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use base64::Engine;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

pub const OWNER: &str = "autorisen";
pub const REPO: &str = "autorisen";
pub const BRANCH: &str = "main";
pub const TOKEN: &str = "ghp_fake_token_for_tests";
pub const APP_ID: &str = "424242";
pub const INSTALLATION_ID: &str = "77";
/// The App key's public half (the private half is in tests/data too).
const APP_PUBLIC_KEY: &[u8] = include_bytes!("../../data/github-app-test-key.pub.der");

type Tree = BTreeMap<String, String>;

#[derive(Clone)]
struct Commit {
    tree: String,
    parents: Vec<String>,
    message: String,
    author: String,
}

/// Who commits as a person in the tests.
pub const HUMAN: &str = "Dana Ndlovu";
/// Whose token planbot writes with.
const TOKEN_OWNER: &str = "planbot-bot";

/// A fault to answer with instead of doing the request.
#[derive(Clone)]
pub struct Fault {
    /// `0` for a slow but successful answer (after `delay`).
    pub status: u16,
    pub delay: std::time::Duration,
    pub headers: Vec<(&'static str, String)>,
    pub message: &'static str,
}

#[derive(Default)]
struct Repo {
    blobs: HashMap<String, Vec<u8>>,
    trees: HashMap<String, Tree>,
    commits: HashMap<String, Commit>,
    branch_head: String,
    faults: VecDeque<Fault>,
    human_commit_before_write: Option<Vec<(String, String)>>,
    /// Every request as `METHOD path -> status`.
    log: Vec<String>,
    /// Installation tokens issued and still honoured.
    installation_tokens: Vec<String>,
    /// Answer contents in the JSON form even when raw is asked for.
    contents_as_json: bool,
    /// The token may read but not push (a read-only token).
    read_only: bool,
    /// Work on the branch, as `GET commits` lists it (oldest first here).
    work: Vec<WorkCommit>,
    pulls: Vec<Pull>,
}

/// A commit on the branch as a test describes it.
#[derive(Clone)]
pub struct WorkCommit {
    pub sha: String,
    pub message: String,
    /// The GitHub account GitHub matched the author's e-mail to, if any.
    pub login: Option<String>,
    pub email: String,
    /// RFC 3339, UTC.
    pub date: String,
}

/// A pull request as a test describes it.
#[derive(Clone)]
pub struct Pull {
    pub number: u64,
    pub title: String,
    pub branch: String,
    pub login: String,
    /// `None` while open; RFC 3339 when merged.
    pub merged_at: Option<String>,
    pub updated_at: String,
    pub head_sha: String,
    /// Check runs on the head: (name, conclusion).
    pub checks: Vec<(String, String)>,
}

#[derive(Clone)]
pub struct FakeGitHub {
    repo: Arc<Mutex<Repo>>,
    pub api_url: String,
}

pub fn blob_sha(content: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", content.len()).as_bytes());
    hasher.update(content);
    hex::encode(hasher.finalize())
}

fn object_sha(kind: &str, text: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("{kind} {}\0{text}", text.len()).as_bytes());
    hex::encode(hasher.finalize())
}

impl Repo {
    fn store_tree(&mut self, tree: Tree) -> String {
        let listing: String = tree.iter().map(|(path, blob)| format!("100644 {path}\0{blob}\n")).collect();
        let sha = object_sha("tree", &listing);
        self.trees.insert(sha.clone(), tree);
        sha
    }

    fn store_commit(&mut self, commit: Commit) -> String {
        let text = format!(
            "tree {}\nparents {}\n{}\n{}",
            commit.tree,
            commit.parents.join(" "),
            self.commits.len(),
            commit.message
        );
        let sha = object_sha("commit", &text);
        self.commits.insert(sha.clone(), commit);
        sha
    }

    fn commit_files(&mut self, files: &[(String, String)], message: &str) -> String {
        self.commit_files_as(files, message, HUMAN)
    }

    fn commit_files_as(&mut self, files: &[(String, String)], message: &str, author: &str) -> String {
        let mut tree = self.head_tree();
        for (path, content) in files {
            let sha = blob_sha(content.as_bytes());
            self.blobs.insert(sha.clone(), content.clone().into_bytes());
            tree.insert(path.clone(), sha);
        }
        let tree = self.store_tree(tree);
        let parents = if self.branch_head.is_empty() { vec![] } else { vec![self.branch_head.clone()] };
        let sha = self.store_commit(Commit { tree, parents, message: message.to_owned(), author: author.to_owned() });
        self.branch_head = sha.clone();
        sha
    }

    fn head_tree(&self) -> Tree {
        self.commits.get(&self.branch_head).and_then(|c| self.trees.get(&c.tree)).cloned().unwrap_or_default()
    }

    fn is_ancestor(&self, ancestor: &str, of: &str) -> bool {
        let mut stack = vec![of.to_owned()];
        while let Some(sha) = stack.pop() {
            if sha == ancestor {
                return true;
            }
            if let Some(commit) = self.commits.get(&sha) {
                stack.extend(commit.parents.iter().cloned());
            }
        }
        false
    }
}

impl FakeGitHub {
    /// Starts the fake on a free port with `files` committed on `main`.
    pub async fn start(files: &[(&str, &str)]) -> FakeGitHub {
        let mut repo = Repo::default();
        let files: Vec<(String, String)> = files.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
        repo.commit_files(&files, "initial plan");
        let repo = Arc::new(Mutex::new(repo));
        let app = Router::new().route("/{*path}", any(handle)).with_state(Arc::clone(&repo));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("fake GitHub serves") });
        FakeGitHub { repo, api_url: format!("http://{address}") }
    }

    pub fn add_work_commit(&self, commit: WorkCommit) {
        self.repo().work.push(commit);
    }

    pub fn add_pull(&self, pull: Pull) {
        self.repo().pulls.push(pull);
    }

    fn repo(&self) -> std::sync::MutexGuard<'_, Repo> {
        self.repo.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The file on the branch head now.
    pub fn file(&self, path: &str) -> Option<String> {
        let repo = self.repo();
        let blob = repo.head_tree().get(path)?.clone();
        repo.blobs.get(&blob).map(|b| String::from_utf8_lossy(b).into_owned())
    }

    pub fn head(&self) -> String {
        self.repo().branch_head.clone()
    }

    /// Commit messages from the head back to the first commit.
    pub fn history(&self) -> Vec<String> {
        let repo = self.repo();
        let mut messages = Vec::new();
        let mut sha = repo.branch_head.clone();
        while let Some(commit) = repo.commits.get(&sha) {
            messages.push(commit.message.clone());
            sha = commit.parents.first().cloned().unwrap_or_default();
        }
        messages
    }

    /// A person pushes a commit that changes `path` (`from` → `to`).
    pub fn human_commit(&self, path: &str, from: &str, to: &str) {
        let content = self.file(path).expect("file exists").replacen(from, to, 1);
        self.repo().commit_files(&[(path.to_owned(), content)], "human edit");
    }

    /// The next time planbot creates a tree, a human commit lands first.
    pub fn human_commit_before_next_write(&self, path: &str, from: &str, to: &str) {
        let content = self.file(path).expect("file exists").replacen(from, to, 1);
        self.repo().human_commit_before_write = Some(vec![(path.to_owned(), content)]);
    }

    pub fn fail_next(&self, count: usize, fault: Fault) {
        let mut repo = self.repo();
        for _ in 0..count {
            repo.faults.push_back(fault.clone());
        }
    }

    /// Requests seen, as `METHOD /path -> status`.
    pub fn requests(&self) -> Vec<String> {
        self.repo().log.clone()
    }

    pub fn clear_requests(&self) {
        self.repo().log.clear();
    }

    /// Ignore the raw media type and always send base64 JSON (GitHub
    /// Enterprise proxies and some mirrors do).
    pub fn serve_contents_as_json(&self) {
        self.repo().contents_as_json = true;
    }

    /// GitHub revokes every installation token (they expire, or an admin
    /// rotates the key): the next request with one gets `401`.
    /// The token planbot uses may read the repository but not push to it.
    pub fn make_token_read_only(&self) {
        self.repo.lock().unwrap().read_only = true;
    }

    pub fn revoke_installation_tokens(&self) {
        self.repo().installation_tokens.clear();
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({"message": message, "documentation_url": "https://docs.github.com/rest"})))
        .into_response()
}

async fn handle(
    State(repo): State<Arc<Mutex<Repo>>>,
    method: Method,
    Path(path): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let delay = {
        let mut repo = repo.lock().unwrap_or_else(|p| p.into_inner());
        match repo.faults.front() {
            Some(fault) if fault.status == 0 => repo.faults.pop_front().map(|f| f.delay),
            Some(fault) => Some(fault.delay),
            None => None,
        }
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let mut repo = repo.lock().unwrap_or_else(|p| p.into_inner());
    let response = route(&mut repo, &method, &path, &query, &headers, &body);
    repo.log.push(format!("{method} /{path} -> {}", response.status().as_u16()));
    let mut response = response;
    let limits = response.headers_mut();
    limits.insert("x-ratelimit-limit", HeaderValue::from_static("5000"));
    limits.insert("x-ratelimit-remaining", HeaderValue::from_static("4999"));
    response
}

fn route(
    repo: &mut Repo,
    method: &Method,
    path: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if method == Method::POST && path == format!("app/installations/{INSTALLATION_ID}/access_tokens") {
        return issue_installation_token(repo, bearer);
    }
    let authorised = bearer == TOKEN || repo.installation_tokens.iter().any(|t| t == bearer);
    if !authorised {
        return error(StatusCode::UNAUTHORIZED, "Bad credentials");
    }
    let failing = repo.faults.front().is_some_and(|fault| fault.status != 0);
    if let Some(fault) = failing.then(|| repo.faults.pop_front()).flatten() {
        let mut response = error(StatusCode::from_u16(fault.status).unwrap_or(StatusCode::BAD_GATEWAY), fault.message);
        for (name, value) in fault.headers {
            response.headers_mut().insert(name, HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("")));
        }
        return response;
    }
    if method == Method::GET && path == format!("repos/{OWNER}/{REPO}") {
        return repository(repo);
    }
    let prefix = format!("repos/{OWNER}/{REPO}/");
    let Some(rest) = path.strip_prefix(&prefix) else { return error(StatusCode::NOT_FOUND, "Not Found") };
    let json_body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match (method.as_str(), rest) {
        ("GET", r) if r == format!("git/ref/heads/{BRANCH}") => get_ref(repo, headers),
        ("GET", r) if r.starts_with("git/commits/") => get_commit(repo, &r["git/commits/".len()..]),
        ("GET", r) if r.starts_with("contents/") => get_contents(repo, &r["contents/".len()..], query, headers),
        ("GET", "commits") => list_commits(repo, query, headers),
        ("GET", "pulls") => list_pulls(repo, query, headers),
        ("GET", r) if r.starts_with("commits/") && r.ends_with("/check-runs") => {
            check_runs(repo, &r["commits/".len()..r.len() - "/check-runs".len()], headers)
        }
        ("POST", "git/trees") => create_tree(repo, &json_body),
        ("POST", "git/commits") => create_commit(repo, &json_body),
        ("PATCH", r) if r == format!("git/refs/heads/{BRANCH}") => update_ref(repo, &json_body),
        _ => error(StatusCode::NOT_FOUND, "Not Found"),
    }
}

/// `GET /repos/{owner}/{repo}`: the repository and what the token may do.
fn repository(repo: &Repo) -> Response {
    let push = !repo.read_only;
    let body = json!({
        "id": 1, "name": REPO, "full_name": format!("{OWNER}/{REPO}"), "private": true,
        "default_branch": BRANCH, "html_url": format!("https://github.com/{OWNER}/{REPO}"),
        "permissions": {"admin": false, "maintain": false, "push": push, "triage": push, "pull": true},
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// GitHub's rules for an App JWT: RS256 by the App's key, `iss` the App
/// id, `iat` and `exp` around now, at most ten minutes apart.
fn issue_installation_token(repo: &mut Repo, jwt: &str) -> Response {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts.as_slice() else {
        return error(StatusCode::UNAUTHORIZED, "A JSON web token could not be decoded");
    };
    let signed = format!("{header}.{claims}");
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap_or_default();
    let key = ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, APP_PUBLIC_KEY);
    if key.verify(signed.as_bytes(), &signature).is_err() {
        return error(StatusCode::UNAUTHORIZED, "A JSON web token could not be decoded");
    }
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap_or_default()).unwrap_or(Value::Null);
    let now = chrono::Utc::now().timestamp();
    let (iat, exp) = (claims["iat"].as_i64().unwrap_or(0), claims["exp"].as_i64().unwrap_or(0));
    let valid = claims["iss"].as_str() == Some(APP_ID) && iat <= now + 60 && exp > now && exp - iat <= 600;
    if !valid {
        return error(StatusCode::UNAUTHORIZED, "'Expiration time' claim ('exp') is too far in the future");
    }
    let token = format!("ghs_installation_{}", repo.installation_tokens.len() + repo.log.len());
    repo.installation_tokens.push(token.clone());
    let expires_at = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    (
        StatusCode::CREATED,
        axum::Json(json!({"token": token, "expires_at": expires_at, "permissions": {"contents": "write"}})),
    )
        .into_response()
}

fn get_ref(repo: &Repo, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", &blob_sha(repo.branch_head.as_bytes())[..32]);
    if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [("etag", etag)]).into_response();
    }
    let body = json!({"ref": format!("refs/heads/{BRANCH}"), "object": {"sha": repo.branch_head, "type": "commit"}});
    (StatusCode::OK, [("etag", etag)], axum::Json(body)).into_response()
}

fn get_commit(repo: &Repo, sha: &str) -> Response {
    let Some(commit) = repo.commits.get(sha) else { return error(StatusCode::NOT_FOUND, "Not Found") };
    let parents: Vec<Value> = commit.parents.iter().map(|p| json!({"sha": p})).collect();
    let body = json!({
        "sha": sha, "tree": {"sha": commit.tree}, "parents": parents, "message": commit.message,
        "author": {"name": commit.author, "email": "someone@example.com", "date": "2026-11-21T10:00:00Z"},
        "html_url": format!("https://github.com/{OWNER}/{REPO}/commit/{sha}"),
    });
    axum::Json(body).into_response()
}

fn get_contents(repo: &Repo, path: &str, query: &HashMap<String, String>, headers: &HeaderMap) -> Response {
    let commit = query.get("ref").cloned().unwrap_or_else(|| repo.branch_head.clone());
    let tree = repo.commits.get(&commit).and_then(|c| repo.trees.get(&c.tree));
    let Some(blob) = tree.and_then(|t| t.get(path)) else { return error(StatusCode::NOT_FOUND, "Not Found") };
    let content = repo.blobs.get(blob).cloned().unwrap_or_default();
    let raw = !repo.contents_as_json
        && headers.get("accept").and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("raw"));
    if raw {
        return (StatusCode::OK, content).into_response();
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(&content);
    let wrapped: Vec<String> = encoded.as_bytes().chunks(60).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    let body = json!({"type": "file", "encoding": "base64", "path": path, "sha": blob, "size": content.len(), "content": wrapped.join("\n") + "\n"});
    axum::Json(body).into_response()
}

fn create_tree(repo: &mut Repo, body: &Value) -> Response {
    if let Some(files) = repo.human_commit_before_write.take() {
        repo.commit_files(&files, "human edit (landed mid-write)");
    }
    let Some(base) = body["base_tree"].as_str().and_then(|sha| repo.trees.get(sha)).cloned() else {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "Invalid tree info");
    };
    let mut tree = base;
    for entry in body["tree"].as_array().cloned().unwrap_or_default() {
        let (Some(path), Some(content)) = (entry["path"].as_str(), entry["content"].as_str()) else {
            return error(StatusCode::UNPROCESSABLE_ENTITY, "tree entries need path and content");
        };
        let sha = blob_sha(content.as_bytes());
        repo.blobs.insert(sha.clone(), content.as_bytes().to_vec());
        tree.insert(path.to_owned(), sha);
    }
    let sha = repo.store_tree(tree);
    (StatusCode::CREATED, axum::Json(json!({"sha": sha}))).into_response()
}

fn create_commit(repo: &mut Repo, body: &Value) -> Response {
    let tree = body["tree"].as_str().unwrap_or_default().to_owned();
    if !repo.trees.contains_key(&tree) {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "Tree SHA does not exist");
    }
    let parents: Vec<String> = body["parents"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect();
    let message = body["message"].as_str().unwrap_or_default().to_owned();
    let sha = repo.store_commit(Commit { tree, parents, message, author: TOKEN_OWNER.to_owned() });
    let mut response = get_commit(repo, &sha);
    *response.status_mut() = StatusCode::CREATED;
    response
}

fn update_ref(repo: &mut Repo, body: &Value) -> Response {
    let Some(sha) = body["sha"].as_str().map(str::to_owned) else {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "sha wasn't supplied");
    };
    if !repo.commits.contains_key(&sha) {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "Object does not exist");
    }
    let force = body["force"].as_bool().unwrap_or(false);
    if !force && !repo.is_ancestor(&repo.branch_head, &sha) {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "Update is not a fast forward");
    }
    repo.branch_head = sha.clone();
    axum::Json(json!({"ref": format!("refs/heads/{BRANCH}"), "object": {"sha": sha, "type": "commit"}})).into_response()
}

/// `per_page` (default 30, at most 100) and `page` (from 1).
fn page_of<T: Clone>(items: &[T], query: &HashMap<String, String>) -> (Vec<T>, bool) {
    let per_page = query.get("per_page").and_then(|v| v.parse::<usize>().ok()).unwrap_or(30).clamp(1, 100);
    let page = query.get("page").and_then(|v| v.parse::<usize>().ok()).unwrap_or(1).max(1);
    let start = (page - 1) * per_page;
    let chunk: Vec<T> = items.iter().skip(start).take(per_page).cloned().collect();
    (chunk, start + per_page < items.len())
}

/// A list answer with its ETag (`304` when it matches) and, when there is
/// a next page, GitHub's `Link` header.
fn listing(body: Value, more: bool, query: &HashMap<String, String>, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", &blob_sha(body.to_string().as_bytes())[..32]);
    if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [("etag", etag)]).into_response();
    }
    let mut response = (StatusCode::OK, [("etag", etag)], axum::Json(body)).into_response();
    if more {
        let page = query.get("page").and_then(|v| v.parse::<usize>().ok()).unwrap_or(1);
        let link = format!("<https://api.github.com/repos/{OWNER}/{REPO}/next?page={}>; rel=\"next\"", page + 1);
        response.headers_mut().insert("link", HeaderValue::from_str(&link).unwrap_or(HeaderValue::from_static("")));
    }
    response
}

fn list_commits(repo: &Repo, query: &HashMap<String, String>, headers: &HeaderMap) -> Response {
    if query.get("sha").is_some_and(|sha| sha != BRANCH) {
        return error(StatusCode::NOT_FOUND, "Not Found");
    }
    let after = |date: &str, bound: Option<&String>| bound.is_none_or(|b| date >= b.as_str());
    let before = |date: &str, bound: Option<&String>| bound.is_none_or(|b| date <= b.as_str());
    let by = |c: &WorkCommit, author: Option<&String>| {
        author.is_none_or(|a| c.login.as_deref() == Some(a.as_str()) || c.email.eq_ignore_ascii_case(a))
    };
    let mut listed: Vec<&WorkCommit> = repo
        .work
        .iter()
        .filter(|c| {
            after(&c.date, query.get("since")) && before(&c.date, query.get("until")) && by(c, query.get("author"))
        })
        .collect();
    listed.sort_by(|a, b| b.date.cmp(&a.date));
    let items: Vec<Value> = listed
        .into_iter()
        .map(|c| {
            json!({
                "sha": c.sha,
                "html_url": format!("https://github.com/{OWNER}/{REPO}/commit/{}", c.sha),
                "commit": {
                    "message": c.message,
                    "author": {"name": c.login.clone().unwrap_or_default(), "email": c.email, "date": c.date},
                    "committer": {"name": "GitHub", "email": "noreply@github.com", "date": c.date},
                },
                "author": c.login.as_ref().map(|login| json!({"login": login, "type": "User"})),
                "committer": {"login": "web-flow", "type": "User"},
                "parents": [],
            })
        })
        .collect();
    let (page, more) = page_of(&items, query);
    listing(Value::Array(page), more, query, headers)
}

fn list_pulls(repo: &Repo, query: &HashMap<String, String>, headers: &HeaderMap) -> Response {
    let state = query.get("state").map_or("open", String::as_str);
    let mut pulls: Vec<&Pull> = repo
        .pulls
        .iter()
        .filter(|p| match state {
            "open" => p.merged_at.is_none(),
            "closed" => p.merged_at.is_some(),
            _ => true,
        })
        .collect();
    let by_updated = query.get("sort").is_some_and(|s| s == "updated");
    pulls.sort_by(|a, b| if by_updated { a.updated_at.cmp(&b.updated_at) } else { a.number.cmp(&b.number) });
    if query.get("direction").is_none_or(|d| d == "desc") {
        pulls.reverse();
    }
    let items: Vec<Value> = pulls
        .into_iter()
        .map(|p| {
            json!({
                "number": p.number,
                "state": if p.merged_at.is_some() { "closed" } else { "open" },
                "title": p.title,
                "html_url": format!("https://github.com/{OWNER}/{REPO}/pull/{}", p.number),
                "user": {"login": p.login, "type": "User"},
                "head": {"ref": p.branch, "sha": p.head_sha, "label": format!("{OWNER}:{}", p.branch)},
                "base": {"ref": BRANCH},
                "merged_at": p.merged_at,
                "closed_at": p.merged_at,
                "updated_at": p.updated_at,
                "created_at": p.updated_at,
                "body": null,
            })
        })
        .collect();
    let (page, more) = page_of(&items, query);
    listing(Value::Array(page), more, query, headers)
}

fn check_runs(repo: &Repo, reference: &str, headers: &HeaderMap) -> Response {
    let Some(pull) = repo.pulls.iter().find(|p| p.head_sha == reference) else {
        return error(StatusCode::NOT_FOUND, &format!("No commit found for SHA: {reference}"));
    };
    let runs: Vec<Value> = pull
        .checks
        .iter()
        .enumerate()
        .map(|(id, (name, conclusion))| {
            json!({"id": id + 1, "name": name, "head_sha": reference, "status": "completed",
                   "conclusion": conclusion, "html_url": format!("https://github.com/{OWNER}/{REPO}/runs/{}", id + 1)})
        })
        .collect();
    let body = json!({"total_count": runs.len(), "check_runs": runs});
    listing(body, false, &HashMap::new(), headers)
}
