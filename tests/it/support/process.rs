//! `planbot serve` as a separate process, as an operator runs it: its own
//! environment (nothing inherited that could leak a developer's settings
//! in), a port of its own for health, and stopped as Heroku stops it
//! (SIGTERM) or as a crash does (SIGKILL).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_planbot");

/// A copy of the example plan planbot may write to.
pub fn example_folder(dir: &Path) -> PathBuf {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/autorisen/docs");
    let docs = dir.join("plan/docs");
    std::fs::create_dir_all(&docs).unwrap();
    for entry in std::fs::read_dir(example).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), docs.join(entry.file_name())).unwrap();
    }
    dir.join("plan")
}

pub struct Serve {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Serve {
    /// Starts `planbot serve` in `dir` with exactly `env` (plus `PORT`).
    pub fn spawn(dir: &Path, env: &BTreeMap<&str, String>) -> Serve {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = dir.join(format!("serve-{port}.log"));
        let mut command = Command::new(BIN);
        command.arg("serve").current_dir(dir).env_clear().env("PORT", port.to_string());
        for (key, value) in env {
            command.env(key, value);
        }
        let log_file = std::fs::File::create(&log).unwrap();
        let child = command.stdout(Stdio::null()).stderr(log_file).spawn().expect("planbot serve starts");
        Serve { child, port, log }
    }

    /// Waits until `/api/health` answers, and returns its response.
    pub async fn wait_up(&mut self) -> String {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("planbot serve exited with {status}:\n{}", self.log());
            }
            if let Some(health) = self.get("/api/health") {
                return health;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("planbot serve did not come up:\n{}", self.log());
    }

    /// A plain HTTP/1.1 GET on loopback: status line, headers and body.
    pub fn get(&self, path: &str) -> Option<String> {
        self.get_with(path, "")
    }

    /// The same, with extra header lines (`Name: value\r\n` each).
    pub fn get_with(&self, path: &str, headers: &str) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}\r\n").ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).ok()?;
        Some(response)
    }

    /// A POST signed as Slack signs it (v0, now), with `secret`.
    pub fn post_signed(&self, path: &str, content_type: &str, body: &str, secret: &str) -> Option<String> {
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let signature = planbot::slack::SigningSecret::new(secret).ok()?.sign(&timestamp, body.as_bytes());
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: {content_type}\r\n\
             Content-Length: {}\r\nX-Slack-Request-Timestamp: {timestamp}\r\nX-Slack-Signature: {signature}\r\n\r\n{body}",
            body.len()
        )
        .ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).ok()?;
        Some(response)
    }

    /// What the process logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: the process dies at once, mid-whatever.
    pub fn kill9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, as Heroku stops a dyno; waits for the exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        self.child.wait().unwrap()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
