//! `--data FILE`: every acknowledged task survives a SIGKILL; a torn tail never stops a start.

mod common;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_write_load_loses_no_acknowledged_task() {
    let dir = TempDir::new("kill");
    let data = dir.file("tasks.db");
    let mut emu = Emulator::start(&["--data", &data]);
    let (plan, bucket) = emu.new_plan().await;
    let acked: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for w in 0..8 {
        let (client, url, plan, bucket, acked, count) =
            (emu.client.clone(), emu.url("/v1.0/planner/tasks"), plan.clone(), bucket.clone(), acked.clone(), count.clone());
        let legacy_url = url.replace("/v1.0/planner/tasks", "/beta/me/tasks");
        writers.push(tokio::spawn(async move {
            // Bounded: stops at the first failure (the kill) or after 20,000 writes.
            for i in 0..2500 {
                let (u, body) = if i % 5 == 4 {
                    (&legacy_url, json!({ "planId": plan, "title": format!("legacy {w}-{i}") }))
                } else {
                    (&url, json!({ "planId": plan, "bucketId": bucket, "title": format!("w{w}-{i}") }))
                };
                match client.post_json(u, &[AUTH], &body).await {
                    Ok(r) if r.status == 201 => {
                        let v = r.json();
                        acked.lock().unwrap().push((v["id"].as_str().unwrap().to_owned(), v));
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(r) => panic!("unexpected {}: {}", r.status, r.body),
                    Err(_) => break, // the emulator is gone
                }
            }
        }));
    }
    // Kill once a good number of writes were acknowledged, while the writers keep going.
    while count.load(Ordering::Relaxed) < 1500 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    emu.kill();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 1500);

    // One page holds the whole plan, so that the list below is every task.
    let emu = Emulator::start(&["--data", &data, "--page-size", "100000"]);
    let s = emu.stats().await;
    assert!(s["tasksStored"].as_u64().unwrap() >= acked.len() as u64, "{s}");
    for (id, body) in &acked {
        let path = if body["@odata.context"].as_str().unwrap().contains("#tasks/") { format!("/beta/tasks/{id}") } else { format!("/v1.0/planner/tasks/{id}") };
        let r = emu.get(&path).await;
        assert_eq!(r.status, 200, "acknowledged task {id} lost");
        let mut got = r.json();
        let mut want = body.clone();
        got.as_object_mut().unwrap().remove("@odata.context");
        want.as_object_mut().unwrap().remove("@odata.context");
        assert_eq!(got, want);
    }
    // The plan created at run time came back too, with its bucket.
    let seed = emu.client.get(&emu.url("/_emulator/seed"), &[]).await.unwrap().json();
    let p = seed["plans"].as_array().unwrap().iter().find(|p| p["id"] == plan.as_str()).expect("plan restored").clone();
    assert_eq!(p["buckets"][0]["id"], bucket.as_str());
    let listed = emu.get(&format!("/v1.0/planner/plans/{plan}/tasks")).await.json();
    assert_eq!(listed["value"].as_array().unwrap().len() as u64, s["tasksStored"].as_u64().unwrap());
}

#[tokio::test]
async fn torn_or_corrupt_tail_does_not_stop_a_restart() {
    let dir = TempDir::new("torn");
    let data = dir.file("tasks.db");
    let mut ids = Vec::new();
    {
        let emu = Emulator::start(&["--data", &data]);
        for i in 0..20 {
            let r = emu.create(&task(EXAMPLE_PLAN, &format!("t{i}"))).await;
            assert_eq!(r.status, 201);
            ids.push(r.json()["id"].as_str().unwrap().to_owned());
        }
    }
    let good_len = std::fs::metadata(&data).unwrap().len();
    // A torn write at the end of the write-ahead log, as a crash mid-write leaves it.
    let wal = format!("{data}-wal");
    let mut f = std::fs::OpenOptions::new().append(true).create(true).open(&wal).unwrap();
    f.write_all(b"0badc0de {\"t\":\"task\",\"kind\":\"planner\",\"task\":{\"id\":\"half").unwrap();
    drop(f);
    {
        let mut emu = Emulator::start_with(&["--data", &data], false);
        for id in &ids {
            assert_eq!(emu.get(&format!("/v1.0/planner/tasks/{id}")).await.status, 200);
        }
        assert_eq!(emu.stats().await["tasksStored"], 20);
        // New writes after the repair land on a clean line.
        let r = emu.create(&task(EXAMPLE_PLAN, "after repair")).await;
        assert_eq!(r.status, 201);
        ids.push(r.json()["id"].as_str().unwrap().to_owned());
        let log = emu.stop_and_read_stderr();
        assert!(log.contains("torn or corrupt tail"), "{log}");
    }
    assert!(std::fs::metadata(&data).unwrap().len() > good_len);
    // Garbage lines, binary junk and a record with a bad checksum at the end of the log.
    let mut f = std::fs::OpenOptions::new().append(true).create(true).open(&wal).unwrap();
    f.write_all(b"garbage line\n\x00\x01\x02\xff\xfe\n12345678 {\"t\":\"task\",\"kind\":\"planner\",\"task\":{\"id\":\"x\"}}\n{{{{").unwrap();
    drop(f);
    let emu = Emulator::start(&["--data", &data]);
    assert_eq!(emu.stats().await["tasksStored"], 21);
    for id in &ids {
        assert_eq!(emu.get(&format!("/v1.0/planner/tasks/{id}")).await.status, 200, "{id}");
    }
}

#[tokio::test]
async fn reset_empties_the_journal() {
    let dir = TempDir::new("reset");
    let data = dir.file("tasks.db");
    {
        let emu = Emulator::start(&["--data", &data]);
        emu.new_plan().await;
        assert_eq!(emu.create(&task(EXAMPLE_PLAN, "gone after reset")).await.status, 201);
        assert_eq!(emu.control_post("/_emulator/reset", &json!({})).await.status, 204);
        assert_eq!(emu.create(&task(EXAMPLE_PLAN, "kept")).await.status, 201);
    }
    let emu = Emulator::start(&["--data", &data]);
    let list = emu.get(&format!("/v1.0/planner/plans/{EXAMPLE_PLAN}/tasks")).await.json();
    let titles: Vec<&str> = list["value"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["kept"]);
    assert_eq!(emu.client.get(&emu.url("/_emulator/seed"), &[]).await.unwrap().json()["plans"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn unusable_data_file_stops_the_start() {
    let dir = TempDir::new("baddata");
    // A directory is not a journal.
    let err = Emulator::try_start(&["--data", &dir.file("")], true).err().expect("start must fail");
    assert!(err.contains("journal"), "{err}");
}

#[tokio::test]
async fn a_file_that_is_not_the_emulators_database_is_refused_and_left_unchanged() {
    let dir = TempDir::new("foreign");
    let journal_crlf = "0badc0de {\"t\":\"task\",\"kind\":\"planner\",\"task\":{\"id\":\"x\"}}\r\n".repeat(10);
    let files: [(&str, &[u8]); 5] = [
        ("README.md", b"# A project\n\nSome text.\n"),
        ("package.json", b"{\"name\":\"x\",\"version\":\"1.0.0\"}\n"),
        ("graph_tasks_bg.wasm", b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0"),
        ("tasks.journal", journal_crlf.as_bytes()),
        ("short.db", b"SQLite format 3\0"),
    ];
    for (name, content) in files {
        let path = dir.file(name);
        std::fs::write(&path, content).unwrap();
        let err = Emulator::try_start(&["--data", &path], true).err().unwrap_or_else(|| panic!("{name} was accepted"));
        assert!(err.contains("was not changed"), "{name}: {err}");
        assert_eq!(std::fs::read(&path).unwrap(), content, "{name} was modified");
        assert!(!std::path::Path::new(&format!("{path}-wal")).exists(), "{name} got a write-ahead log");
    }
}

#[tokio::test]
async fn a_clean_stop_and_a_reopen_keep_tasks_plans_and_their_order() {
    let dir = TempDir::new("reopen");
    let data = dir.file("tasks.db");
    let mut emu = Emulator::start(&["--data", &data]);
    let (plan, bucket) = emu.new_plan().await;
    let mut created = Vec::new();
    for i in 0..5 {
        let r = emu.create(&json!({ "planId": plan, "bucketId": bucket, "title": format!("t{i}") })).await;
        assert_eq!(r.status, 201, "{}", r.body);
        created.push(r.json()["id"].as_str().unwrap().to_owned());
    }
    assert!(emu.terminate().success());
    // A clean stop leaves the whole database in the file itself.
    assert_eq!(std::fs::metadata(format!("{data}-wal")).map(|m| m.len()).unwrap_or(0), 0);
    let emu = Emulator::start(&["--data", &data]);
    let listed = emu.get(&format!("/v1.0/planner/plans/{plan}/tasks")).await.json();
    let ids: Vec<&str> = listed["value"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, created.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(emu.create(&json!({ "planId": plan, "bucketId": bucket, "title": "after reopen" })).await.status, 201);
}
