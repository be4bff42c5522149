//! `--rate-limit` (a token bucket per caller, batch requests each counted), `--latency-ms` and
//! `/_emulator/config`.

mod common;

use common::*;
use serde_json::json;

/// A bearer token that is a JWT naming the caller `oid`.
fn token_for(oid: &str) -> String {
    let payload = json!({ "oid": oid }).to_string();
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut b64 = String::new();
    for chunk in payload.as_bytes().chunks(3) {
        let n = (u32::from(chunk[0]) << 16) | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8) | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..=chunk.len() {
            b64.push(char::from(T[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    format!("Bearer eyJhbGciOiJub25lIn0.{b64}.sig")
}

#[tokio::test]
async fn each_caller_has_a_bucket_and_a_throttled_request_gets_retry_after() {
    // 0.1 a second: one request now, the next only after ten seconds.
    let emu = Emulator::start(&["--rate-limit", "0.1"]);
    assert_eq!(emu.get("/v1.0/me").await.status, 200);
    let r = emu.get("/v1.0/me").await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "TooManyRequests");
    let wait: f64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 9.0 && wait <= 10.0, "{wait}");
    // Another caller is not held up.
    let other = token_for("0b5f0f42-0000-4000-8000-000000000001");
    assert_eq!(emu.client.get(&emu.url("/v1.0/me"), &[("authorization", &other)]).await.unwrap().status, 200);
    // A batch's requests each count; the batch itself answers 200.
    let third = token_for("0b5f0f42-0000-4000-8000-000000000002");
    let requests: Vec<serde_json::Value> = (1..=3).map(|i| json!({ "id": i.to_string(), "method": "GET", "url": "/me" })).collect();
    let r = emu.client.post_json(&emu.url("/v1.0/$batch"), &[("authorization", &third)], &json!({ "requests": requests })).await.unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let mut statuses: Vec<u64> = r.json()["responses"].as_array().unwrap().iter().map(|a| a["status"].as_u64().unwrap()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 429, 429]);
    for a in r.json()["responses"].as_array().unwrap().iter().filter(|a| a["status"] == 429) {
        assert!(a["headers"]["retry-after"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    }
    let s = emu.stats().await;
    assert_eq!(s["throttled"], 3);
    // Control endpoints are never throttled.
    assert_eq!(emu.client.get(&emu.url("/_emulator/health"), &[]).await.unwrap().status, 200);
}

#[tokio::test]
async fn config_changes_at_run_time_and_reset_restores_the_command_line() {
    let emu = Emulator::start(&["--rate-limit", "0.1", "--latency-ms", "1"]);
    let get = |path: &'static str| {
        let (c, u) = (emu.client.clone(), emu.url(path));
        async move { c.get(&u, &[]).await.unwrap() }
    };
    assert_eq!(get("/_emulator/config").await.json(), json!({ "chaosRate": 0.0, "rateLimit": 0.1, "latencyMs": 1 }));
    assert_eq!(emu.get("/v1.0/me").await.status, 200);
    assert_eq!(emu.get("/v1.0/me").await.status, 429);
    // 0 turns the limit off.
    let r = emu.control_post("/_emulator/config", &json!({ "rateLimit": 0 })).await;
    assert_eq!(r.json(), json!({ "chaosRate": 0.0, "rateLimit": 0.0, "latencyMs": 1 }));
    for _ in 0..5 {
        assert_eq!(emu.get("/v1.0/me").await.status, 200);
    }
    // Chaos switched on at run time fails every create at rate 1.
    emu.control_post("/_emulator/config", &json!({ "chaosRate": 1, "latencyMs": 0 })).await;
    assert!(matches!(emu.create(&task(EXAMPLE_PLAN, "chaos")).await.status, 429 | 503 | 504));
    for bad in [json!({ "chaosRate": 2 }), json!({ "rateLimit": -1 }), json!({ "latencyMs": 9_999_999 }), json!({ "speed": 1 }), json!([1])] {
        assert_eq!(emu.control_post("/_emulator/config", &bad).await.status, 400, "{bad}");
    }
    assert_eq!(emu.control_post("/_emulator/reset", &json!({})).await.status, 204);
    assert_eq!(get("/_emulator/config").await.json(), json!({ "chaosRate": 0.0, "rateLimit": 0.1, "latencyMs": 1 }));
    assert_eq!(emu.create(&task(EXAMPLE_PLAN, "after reset")).await.status, 201);
}
