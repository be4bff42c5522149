//! Shared helpers: start the real `graph-emulator` binary on a free loopback port and talk HTTP.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

#[path = "../../src/bin/graph-emulator-bench/client.rs"]
pub mod client;

pub use client::{Client, Reply};
use serde_json::{json, Value};

pub const TOKEN: &str = "test-token";
pub const AUTH: (&str, &str) = ("authorization", "Bearer test-token");
pub const EXAMPLE_PLAN: &str = "xqQg5FS2LkCp935s-FIFm2QAFkHM";
pub const EXAMPLE_BUCKET: &str = "hsOf2dhOJkqyYYZEtdzDe2QAIUCR";
pub const OTHER_PLAN_BUCKET: &str = "qDtPxzqhnUyK3Rdb9Sj6qWUAGEvC";
pub const DEFAULT_USER: &str = "6463a5ce-2119-4198-9f2a-628761df4a62";
pub const ASSIGNEE: &str = "fbab97d0-4932-4511-b675-204639209557";

/// A running emulator; killed on drop.
pub struct Emulator {
    pub child: Child,
    pub url: String,
    pub client: Client,
    stderr: Option<ChildStderr>,
}

impl Emulator {
    /// Starts `graph-emulator --port 0 --quiet <args>`.
    pub fn start(args: &[&str]) -> Emulator {
        Emulator::start_with(args, true)
    }

    /// Starts it; `quiet: false` keeps the request log (read it with [`Emulator::stop_and_read_stderr`]).
    pub fn start_with(args: &[&str], quiet: bool) -> Emulator {
        Emulator::try_start(args, quiet).unwrap_or_else(|e| panic!("emulator did not start: {e}"))
    }

    /// Starts it, or returns its exit status and stderr when it does not come up.
    pub fn try_start(args: &[&str], quiet: bool) -> Result<Emulator, String> {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_graph-emulator"));
        cmd.args(["--port", "0"]);
        if quiet {
            cmd.arg("--quiet");
        }
        cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn graph-emulator");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let prefix = "graph emulator listening on ";
        if !line.starts_with(prefix) {
            let status = child.wait().unwrap();
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            return Err(format!("{status}: stdout {line:?}, stderr {err}"));
        }
        let url = line[prefix.len()..].trim().trim_end_matches('/').to_owned();
        let stderr = child.stderr.take();
        Ok(Emulator { child, url, client: Client::new(), stderr })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// SIGKILL, and wait for the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, and wait for the exit.
    pub fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let ok = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(ok.success());
        self.child.wait().unwrap()
    }

    /// Stops with SIGTERM and returns what it wrote on stderr.
    pub fn stop_and_read_stderr(&mut self) -> String {
        self.terminate();
        let mut err = String::new();
        if let Some(mut s) = self.stderr.take() {
            s.read_to_string(&mut err).unwrap();
        }
        err
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.client.get(&self.url(path), &[AUTH]).await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.client.post_json(&self.url(path), &[AUTH], body).await.unwrap()
    }

    pub async fn post_with(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
        let mut all = vec![AUTH];
        all.extend_from_slice(headers);
        self.client.post_json(&self.url(path), &all, body).await.unwrap()
    }

    /// `POST /v1.0/planner/tasks`.
    pub async fn create(&self, body: &Value) -> Reply {
        self.post("/v1.0/planner/tasks", body).await
    }

    /// `POST /v1.0/planner/tasks` with a `client-request-id`.
    pub async fn create_cid(&self, body: &Value, cid: &str) -> Reply {
        self.post_with("/v1.0/planner/tasks", &[("client-request-id", cid)], body).await
    }

    /// A fresh plan: `(plan id, bucket id)`.
    pub async fn new_plan(&self) -> (String, String) {
        let r = self.client.post_json(&self.url("/_emulator/plans"), &[], &json!({ "title": "test plan" })).await.unwrap();
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        (v["id"].as_str().unwrap().to_owned(), v["buckets"][0]["id"].as_str().unwrap().to_owned())
    }

    pub async fn stats(&self) -> Value {
        let r = self.client.get(&self.url("/_emulator/stats"), &[]).await.unwrap();
        assert_eq!(r.status, 200);
        r.json()
    }

    pub async fn control_post(&self, path: &str, body: &Value) -> Reply {
        self.client.post_json(&self.url(path), &[], body).await.unwrap()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A minimal valid task in `plan`.
pub fn task(plan: &str, title: &str) -> Value {
    json!({ "planId": plan, "title": title })
}

/// The docs' example request (shared/graph, copied to the root crate's fixtures).
pub fn example_request() -> Value {
    serde_json::from_str(include_str!("../../../tests/fixtures/example-create-request.json")).unwrap()
}

/// The docs' example response.
pub fn example_response() -> Value {
    serde_json::from_str(include_str!("../../../tests/fixtures/example-create-response.json")).unwrap()
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!("graph-emulator-test-{tag}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn file(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `YYYY-MM-DDTHH:MM:SS.fffffffZ`: UTC with exactly seven fractional digits.
pub fn is_graph_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 28
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'.',
            27 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && s.bytes().enumerate().all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() })
}

/// Runs `count` creates through `concurrency` workers; returns each reply (or transport error) by index.
pub async fn run_concurrently<F>(count: usize, concurrency: usize, make: F) -> Vec<Result<Reply, String>>
where
    F: Fn(usize) -> (String, Vec<(String, String)>, Value) + Send + Sync + 'static,
{
    let make = std::sync::Arc::new(make);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let client = Client::new();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (make, next, client) = (make.clone(), next.clone(), client.clone());
        workers.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let (url, headers, body) = make(i);
                let headers: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                out.push((i, client.post_json(&url, &headers, &body).await));
            }
            out
        }));
    }
    let mut all: Vec<Option<Result<Reply, String>>> = (0..count).map(|_| None).collect();
    for w in workers {
        for (i, r) in w.await.unwrap() {
            all[i] = Some(r);
        }
    }
    all.into_iter().map(Option::unwrap).collect()
}

/// The headers of an authenticated create.
pub fn auth_headers() -> Vec<(String, String)> {
    vec![(AUTH.0.to_owned(), AUTH.1.to_owned())]
}
