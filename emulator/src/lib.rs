//! # graph-tasks-emulator
//!
//! A local Microsoft Graph Planner emulator (`graph-emulator`): `POST /planner/tasks` and the 2015
//! beta task endpoints with Graph's responses and errors, validated by the `graph-tasks` core; fault
//! injection, Retry-After enforcement, a durable journal, CORS and static files. See README.md.

#![forbid(unsafe_code)]

mod app;
mod cli;
mod faults;
mod statics;
mod store;
mod tasks;
mod util;

pub use crate::cli::{parse, Command, Config, USAGE};

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use axum::Router;

use crate::app::App;
use crate::store::{Seed, Store};

/// Reads the seed: `--seed FILE` or the built-in one.
fn load_seed(cfg: &Config) -> Result<Seed, String> {
    let seed = match &cfg.seed {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the seed {}: {e}", path.display()))?;
            serde_json::from_str(&text).map_err(|e| format!("the seed {} is not valid: {e}", path.display()))?
        }
        None => Seed::builtin(),
    };
    seed.check().map_err(|e| format!("the seed is not valid: {e}"))?;
    Ok(seed)
}

/// Runs the emulator until Ctrl-C or SIGTERM.
pub async fn run(cfg: Config) -> Result<(), String> {
    let seed = load_seed(&cfg)?;
    let (store, report) = Store::open(cfg.data.as_deref(), &seed)?;
    if report.torn_wal_bytes > 0 {
        if let Some(path) = &cfg.data {
            eprintln!("graph emulator: journal {}: ignored a torn or corrupt tail of {} bytes in its write-ahead log", path.display(), report.torn_wal_bytes);
        }
    }
    let listener =
        tokio::net::TcpListener::bind((cfg.host.as_str(), cfg.port)).await.map_err(|e| format!("cannot listen on {}:{}: {e}", cfg.host, cfg.port))?;
    let local: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
    let port_file = cfg.port_file.clone();
    let app = Arc::new(App::new(cfg, store, local));
    if let Some(path) = port_file {
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, local.port().to_string())
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let router = Router::new().fallback(app::handle).with_state(app.clone());
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    println!("graph emulator listening on http://{local}/");
    let _ = std::io::stdout().flush();

    let stop = Arc::new(tokio::sync::Notify::new());
    let stopped = stop.clone();
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        shutdown_signal().await;
        stopped.notify_waiters();
    });
    tokio::select! {
        r = server => r.map_err(|e| e.to_string())?,
        // Connections that stay open do not hold the stop up for long.
        () = async { stop.notified().await; tokio::time::sleep(Duration::from_secs(5)).await } => {}
    }
    app.store.close();
    eprintln!("graph emulator stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
