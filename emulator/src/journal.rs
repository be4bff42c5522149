//! `--data FILE`: an append-only journal, one record per line, fsynced before a 201 goes out.
//!
//! Record format: `<crc32 of JSON, 8 lowercase hex digits> <JSON>\n`, where the JSON is
//! `{"t":"task","kind":"planner"|"legacy","task":{...}}` or `{"t":"plan","plan":{...}}`.
//!
//! One writer thread owns the file. Requests hand it their line and wait for its answer; the thread
//! takes every line that is waiting, writes them with one `write`, calls `fdatasync` once, and only
//! then answers them all (group commit). A 201 is therefore never sent for a record that is not on
//! disk.
//!
//! On start the file is read back. A record that fails its checksum, is not JSON, or lacks its
//! final newline is not trusted: when it is at the end (a write torn by a crash) the file is
//! truncated to the last good record; a bad record followed by good ones (which fsync ordering makes
//! impossible short of disk damage) is skipped and reported, so that no acknowledged record after it
//! is lost.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::Path;
use std::sync::mpsc;

use serde_json::Value;
use tokio::sync::oneshot;

use crate::store::{Kind, Plan};
use crate::util::crc32;

/// One record read back.
#[derive(Debug)]
pub(crate) enum Entry {
    /// A created task, as answered.
    Task {
        /// Planner or legacy.
        kind: Kind,
        /// The task object.
        task: Value,
    },
    /// A plan created at run time.
    Plan(Plan),
}

/// What loading found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct LoadReport {
    /// Records read.
    pub(crate) records: usize,
    /// Bad records skipped because good ones follow them.
    pub(crate) skipped: usize,
    /// Bytes cut from the end (a torn or corrupt tail).
    pub(crate) truncated_bytes: u64,
}

enum Op {
    Append(Vec<u8>, oneshot::Sender<io::Result<()>>),
    Truncate(oneshot::Sender<io::Result<()>>),
}

/// The writer's handle.
pub(crate) struct Journal {
    tx: mpsc::Sender<Op>,
}

/// The line for a task record.
pub(crate) fn task_line(kind: Kind, task_json: &str) -> Vec<u8> {
    let mut json = String::with_capacity(task_json.len() + 40);
    json.push_str("{\"t\":\"task\",\"kind\":\"");
    json.push_str(kind.as_str());
    json.push_str("\",\"task\":");
    json.push_str(task_json);
    json.push('}');
    frame(&json)
}

/// The line for a plan record.
pub(crate) fn plan_line(plan: &Plan) -> Vec<u8> {
    let json = serde_json::json!({ "t": "plan", "plan": plan }).to_string();
    frame(&json)
}

fn frame(json: &str) -> Vec<u8> {
    format!("{:08x} {}\n", crc32(json.as_bytes()), json).into_bytes()
}

fn parse_line(line: &[u8]) -> Option<Entry> {
    let text = std::str::from_utf8(line).ok()?;
    let (crc, json) = text.split_once(' ')?;
    if crc.len() != 8 || u32::from_str_radix(crc, 16).ok()? != crc32(json.as_bytes()) {
        return None;
    }
    let mut value: Value = serde_json::from_str(json).ok()?;
    match value.get("t")?.as_str()? {
        "task" => {
            let kind = match value.get("kind")?.as_str()? {
                "planner" => Kind::Planner,
                "legacy" => Kind::Legacy,
                _ => return None,
            };
            let task = value.get_mut("task")?.take();
            task.get("id")?.as_str()?;
            Some(Entry::Task { kind, task })
        }
        "plan" => Some(Entry::Plan(serde_json::from_value(value.get_mut("plan")?.take()).ok()?)),
        _ => None,
    }
}

/// Reads the records of `data`; returns them, the length of the trusted prefix, and the report.
pub(crate) fn read_records(data: &[u8]) -> (Vec<Entry>, usize, LoadReport) {
    let mut entries = Vec::new();
    let mut report = LoadReport::default();
    let mut good_end = 0;
    let mut bad_since_good = 0;
    let mut pos = 0;
    while pos < data.len() {
        let (line, next, complete) = match data[pos..].iter().position(|&b| b == b'\n') {
            Some(i) => (&data[pos..pos + i], pos + i + 1, true),
            None => (&data[pos..], data.len(), false),
        };
        match parse_line(line).filter(|_| complete) {
            Some(entry) => {
                entries.push(entry);
                report.records += 1;
                report.skipped += bad_since_good;
                bad_since_good = 0;
                good_end = next;
            }
            None => bad_since_good += 1,
        }
        pos = next;
    }
    report.truncated_bytes = (data.len() - good_end) as u64;
    (entries, good_end, report)
}

impl Journal {
    /// Opens (or creates) the journal, repairs a torn tail, and starts the writer thread.
    pub(crate) fn open(path: &Path) -> io::Result<(Journal, Vec<Entry>, LoadReport)> {
        let existed = path.exists();
        let mut file = OpenOptions::new().read(true).append(true).create(true).open(path)?;
        let mut data = Vec::new();
        file.read_to_end(&mut data)?;
        let (entries, good_end, report) = read_records(&data);
        if report.truncated_bytes > 0 {
            file.set_len(good_end as u64)?;
            file.sync_all()?;
        }
        if !existed {
            file.sync_all()?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                if let Ok(d) = File::open(dir) {
                    let _ = d.sync_all();
                }
            }
        }
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new().name("journal".into()).spawn(move || writer(file, rx))?;
        Ok((Journal { tx }, entries, report))
    }

    /// Queues `line`; the receiver answers once it is on disk.
    pub(crate) fn append(&self, line: Vec<u8>) -> oneshot::Receiver<io::Result<()>> {
        let (ack, rx) = oneshot::channel();
        // If the thread is gone, `ack` is dropped and the receiver reports an error.
        let _ = self.tx.send(Op::Append(line, ack));
        rx
    }

    /// Empties the journal (for `POST /_emulator/reset`).
    pub(crate) fn truncate(&self) -> oneshot::Receiver<io::Result<()>> {
        let (ack, rx) = oneshot::channel();
        let _ = self.tx.send(Op::Truncate(ack));
        rx
    }
}

/// Waits for the writer's answer.
pub async fn wait(rx: oneshot::Receiver<io::Result<()>>) -> io::Result<()> {
    match rx.await {
        Ok(result) => result,
        Err(_) => Err(io::Error::other("the journal writer stopped")),
    }
}

fn flush(file: &mut File, buf: &mut Vec<u8>, acks: &mut Vec<oneshot::Sender<io::Result<()>>>) {
    if acks.is_empty() {
        return;
    }
    // On a failed write (a full disk, say) the file is cut back to where this batch began: a partial
    // record left in place would fuse with the next batch's first line, and that line, acknowledged
    // later, would then fail its checksum on reload.
    let before = file.metadata().map(|m| m.len());
    let result = file.write_all(buf).and_then(|()| file.sync_data());
    if result.is_err() {
        if let Ok(len) = before {
            let _ = file.set_len(len).and_then(|()| file.seek(std::io::SeekFrom::End(0)).map(|_| ()));
        }
    }
    for ack in acks.drain(..) {
        let _ = ack.send(match &result {
            Ok(()) => Ok(()),
            Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
        });
    }
    buf.clear();
}

fn writer(mut file: File, rx: mpsc::Receiver<Op>) {
    let mut buf = Vec::new();
    let mut acks = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        let mut taken = 0;
        while let Some(op) = next {
            match op {
                Op::Append(line, ack) => {
                    buf.extend_from_slice(&line);
                    acks.push(ack);
                }
                Op::Truncate(ack) => {
                    flush(&mut file, &mut buf, &mut acks);
                    let _ = ack.send(file.set_len(0).and_then(|()| file.sync_all()));
                }
            }
            taken += 1;
            next = if taken < 4096 { rx.try_recv().ok() } else { None };
        }
        flush(&mut file, &mut buf, &mut acks);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str) -> Vec<u8> {
        task_line(Kind::Planner, &format!("{{\"id\":\"{id}\",\"title\":\"t\"}}"))
    }

    fn ids(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .filter_map(|e| match e {
                Entry::Task { task, .. } => task["id"].as_str().map(str::to_owned),
                Entry::Plan(p) => Some(p.id.clone()),
            })
            .collect()
    }

    #[test]
    fn good_records_read_back() {
        let mut data = task("a");
        data.extend(plan_line(&Plan { id: "p".into(), title: "P".into(), buckets: vec![] }));
        data.extend(task("b"));
        let (entries, end, report) = read_records(&data);
        assert_eq!(ids(&entries), ["a", "p", "b"]);
        assert_eq!(end, data.len());
        assert_eq!(report, LoadReport { records: 3, skipped: 0, truncated_bytes: 0 });
    }

    #[test]
    fn torn_tail_is_cut() {
        let mut data = task("a");
        let good = data.len();
        let b = task("b");
        data.extend(&b[..b.len() - 1]); // the newline never made it
        let (entries, end, report) = read_records(&data);
        assert_eq!(ids(&entries), ["a"]);
        assert_eq!(end, good);
        assert_eq!(report.truncated_bytes, (b.len() - 1) as u64);
        data.truncate(good);
        data.extend(b"garbage\n\x00\xff{\"t\":");
        let (entries, end, _) = read_records(&data);
        assert_eq!(ids(&entries), ["a"]);
        assert_eq!(end, good);
    }

    #[test]
    fn corrupt_middle_record_is_skipped() {
        let mut data = task("a");
        let mut bad = task("x");
        bad[12] ^= 1; // flips a bit inside the JSON: the checksum no longer matches
        data.extend(bad);
        data.extend(task("c"));
        let (entries, end, report) = read_records(&data);
        assert_eq!(ids(&entries), ["a", "c"]);
        assert_eq!(end, data.len());
        assert_eq!(report.skipped, 1);
    }
}
