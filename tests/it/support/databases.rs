//! A fresh database for each test: a SQLite file in a temporary folder, or
//! a new PostgreSQL database on the server `PLANBOT_TEST_POSTGRES_URL`
//! names (default: the local server on 127.0.0.1:5432, if one answers).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use planbot::store::{self, Store};
use sqlx::{Connection, Executor, PgConnection};

const ENV: &str = "PLANBOT_TEST_POSTGRES_URL";
const LOCAL_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/test";

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub async fn sqlite() -> Arc<dyn Store> {
    let dir = tempfile::tempdir().expect("temp dir").keep();
    let url = format!("sqlite://{}", dir.join("planbot.db").display());
    let store = store::connect(&url).await.expect("sqlite opens");
    store.migrate().await.expect("sqlite migrates");
    store
}

/// Two stores (two connection pools, as two instances have) on one file.
pub async fn sqlite_pair() -> (Arc<dyn Store>, Arc<dyn Store>) {
    let dir = tempfile::tempdir().expect("temp dir").keep();
    let url = format!("sqlite://{}", dir.join("planbot.db").display());
    let first = store::connect(&url).await.expect("sqlite opens");
    first.migrate().await.expect("sqlite migrates");
    (first, store::connect(&url).await.expect("sqlite opens again"))
}

/// Two stores on one new PostgreSQL database, as two instances share it.
pub async fn postgres_pair(test: &str) -> Option<(Arc<dyn Store>, Arc<dyn Store>)> {
    let (first, url) = postgres_with_url(test).await?;
    Some((first, store::connect(&url).await.expect("postgres opens again")))
}

/// A store on a brand-new PostgreSQL database, or `None` (with a notice on
/// the terminal) when no server is configured or reachable. A server named
/// in the environment must work: there, failing to connect fails the test.
pub async fn postgres(test: &str) -> Option<Arc<dyn Store>> {
    postgres_with_url(test).await.map(|(store, _)| store)
}

pub async fn postgres_with_url(test: &str) -> Option<(Arc<dyn Store>, String)> {
    let (base, required) = match std::env::var(ENV) {
        Ok(url) => (url, true),
        Err(_) => (LOCAL_DEFAULT.to_owned(), false),
    };
    let mut admin = match PgConnection::connect(&base).await {
        Ok(connection) => connection,
        Err(err) if required => panic!("{ENV} is set but PostgreSQL is unreachable: {err}"),
        Err(err) => {
            notice(&format!("skipping PostgreSQL test {test}: set {ENV} (no server at {LOCAL_DEFAULT}: {err})"));
            return None;
        }
    };
    if COUNTER.load(Ordering::Relaxed) == 0 {
        drop_leftovers(&mut admin).await;
    }
    let name = format!("planbot_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    admin.execute(format!("DROP DATABASE IF EXISTS {name}").as_str()).await.expect("drop old test database");
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
    let url = with_database(&base, &name);
    let store = store::connect(&url).await.expect("postgres opens");
    store.migrate().await.expect("postgres migrates");
    Some((store, url))
}

/// Test databases of test processes that are gone (this server is shared
/// by every run on the machine, so nothing else would remove them).
async fn drop_leftovers(admin: &mut PgConnection) {
    let names: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'planbot_test_%'")
        .fetch_all(&mut *admin)
        .await
        .unwrap_or_default();
    for name in names {
        let pid = name.split('_').nth(2).unwrap_or_default();
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
        }
    }
}

/// Written straight to the terminal: the test harness captures `eprintln!`
/// of passing tests, and a skip must never be silent.
fn notice(message: &str) {
    let _ = writeln!(std::io::stderr(), "NOTICE: {message}");
}

fn with_database(url: &str, database: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((head, query)) => (head, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_end = without_query.find("://").map_or(0, |at| at + 3);
    let base = match without_query[authority_end..].find('/') {
        Some(slash) => &without_query[..authority_end + slash],
        None => without_query,
    };
    format!("{base}/{database}{query}")
}
