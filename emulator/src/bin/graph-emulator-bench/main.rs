//! `graph-emulator-bench`: posts valid planner creates to a running emulator and reports
//! creates/second, p50/p99 latency and errors. It starts nothing itself.
//!
//! ```text
//! graph-emulator --quiet --port 0 --port-file /tmp/port &
//! graph-emulator-bench --url http://127.0.0.1:$(cat /tmp/port) --requests 10000 --concurrency 64
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use graph_tasks::validate::MAX_ACTIVE_TASKS_IN_PLAN;
use serde_json::json;

use crate::client::Client;

mod client;

const USAGE: &str = "usage: graph-emulator-bench --url http://127.0.0.1:PORT [--requests 10000] [--concurrency 64] [--token T]";

struct Args {
    url: String,
    requests: usize,
    concurrency: usize,
    token: String,
}

fn parse() -> Result<Args, String> {
    let mut a = Args { url: String::new(), requests: 10_000, concurrency: 64, token: "bench-token".into() };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--url" => a.url = value()?.trim_end_matches('/').to_owned(),
            "--requests" => a.requests = value()?.parse().map_err(|_| "--requests must be a number")?,
            "--concurrency" => a.concurrency = value()?.parse().map_err(|_| "--concurrency must be a number")?,
            "--token" => a.token = value()?,
            "-h" | "--help" => return Err(USAGE.into()),
            _ => return Err(format!("unknown option {arg}\n{USAGE}")),
        }
    }
    if a.url.is_empty() {
        return Err(USAGE.into());
    }
    a.concurrency = a.concurrency.max(1);
    Ok(a)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn bench(a: Args) -> Result<usize, String> {
    let client = Client::new();
    // A plan holds at most 2400 active tasks, so the load is spread over fresh plans.
    let per_plan = MAX_ACTIVE_TASKS_IN_PLAN - 400;
    let plans_needed = a.requests.div_ceil(per_plan).max(1);
    let mut plans = Vec::with_capacity(plans_needed);
    for i in 0..plans_needed {
        let r = client.post_json(&format!("{}/_emulator/plans", a.url), &[], &json!({ "title": format!("bench {i}") })).await?;
        if r.status != 201 {
            return Err(format!("POST /_emulator/plans answered {}: {}", r.status, r.body));
        }
        let plan = r.json();
        let id = plan["id"].as_str().ok_or("the plan has no id")?.to_owned();
        let bucket = plan["buckets"][0]["id"].as_str().ok_or("the plan has no bucket")?.to_owned();
        plans.push((id, bucket));
    }
    let plans = Arc::new(plans);
    let next = Arc::new(AtomicUsize::new(0));
    let url = format!("{}/v1.0/planner/tasks", a.url);
    let auth = format!("Bearer {}", a.token);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..a.concurrency {
        let (client, plans, next, url, auth) = (client.clone(), plans.clone(), next.clone(), url.clone(), auth.clone());
        let total = a.requests;
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let (plan, bucket) = &plans[i % plans.len()];
                let body = json!({
                    "planId": plan, "bucketId": bucket, "title": format!("bench task {i}"),
                    "assignments": { "fbab97d0-4932-4511-b675-204639209557": { "@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !" } }
                });
                let cid = format!("bench-{i}");
                let t = Instant::now();
                let r = client.post_json(&url, &[("authorization", auth.as_str()), ("client-request-id", cid.as_str())], &body).await;
                latencies.push(t.elapsed());
                match r {
                    Ok(r) if r.status == 201 => {}
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::with_capacity(a.requests);
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await.map_err(|e| e.to_string())?;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("graph-emulator-bench: {} creates, concurrency {}, {:.2} s", a.requests, a.concurrency, elapsed.as_secs_f64());
    println!("creates/second: {:.0}", a.requests as f64 / elapsed.as_secs_f64());
    println!(
        "latency p50: {:.2} ms, p99: {:.2} ms, max: {:.2} ms",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default())
    );
    println!("errors: {errors}");
    Ok(errors)
}

fn main() {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    match rt.block_on(bench(args)) {
        Ok(0) => {}
        Ok(_) => std::process::exit(1),
        Err(e) => {
            eprintln!("graph-emulator-bench: {e}");
            std::process::exit(1);
        }
    }
}
