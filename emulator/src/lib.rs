//! # graph-tasks-emulator
//!
//! A local Microsoft Graph Planner emulator (`graph-emulator`): `POST /planner/tasks` and the 2015
//! beta task endpoints with Graph's responses and errors, validated by the `graph-tasks` core; fault
//! injection, Retry-After enforcement, a SQLite store, CORS and static files. See README.md.
//!
//! The library exposes what `main.rs` needs: the command line and [`run`].

#![forbid(unsafe_code)]

mod auth;
mod batch;
mod body;
mod cli;
mod control;
mod create;
mod details;
mod error;
mod faults;
mod legacy_tasks;
mod paging;
mod planner_tasks;
mod plans;
mod record;
mod router;
mod sorted_json;
mod state;
mod statics;
mod store;
mod task_details;
mod tasks;
mod throttle;
mod users;
mod util;

pub use crate::cli::{parse, Command, Config, USAGE};

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt;

use crate::state::App;
use crate::store::{Seed, Store};

/// How long a clean stop waits for open connections.
const STOP_GRACE: Duration = Duration::from_secs(5);

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
    if let (true, Some(path)) = (report.torn_wal_bytes > 0, &cfg.data) {
        eprintln!("graph emulator: journal {}: ignored a torn or corrupt tail of {} bytes in its write-ahead log", path.display(), report.torn_wal_bytes);
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
    // How long a client may take to send a request's head, and a kept-alive connection may sit idle
    // before its next one: slow or stalled clients are closed rather than held.
    let header_timeout = Duration::from_millis(app.cfg.header_timeout_ms);
    let service = router::service(app.clone());
    // The signal handlers are in place before anyone is told the emulator listens: installed later
    // (when the stop future was first polled), a SIGTERM right after the first requests could still
    // meet the default action and end the process without its clean stop.
    let stop = shutdown_signal();
    println!("graph emulator listening on http://{local}/");
    let _ = std::io::stdout().flush();

    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout).keep_alive(true);
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let _ = tcp.set_nodelay(true);
                let svc = service.clone().map_request(|req: hyper::Request<hyper::body::Incoming>| req.map(axum::body::Body::new));
                let conn = builder.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(svc));
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            () = &mut stop => break,
        }
    }
    drop(listener);
    // Connections that stay open do not hold the stop up for long.
    let _ = tokio::time::timeout(STOP_GRACE, graceful.shutdown()).await;
    app.store.close();
    eprintln!("graph emulator stopped");
    Ok(())
}

/// Resolves at Ctrl-C or SIGTERM. The handlers are installed by this call, not by the first poll.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (signal(SignalKind::interrupt()).ok(), signal(SignalKind::terminate()).ok())
    };
    async move {
        #[cfg(unix)]
        {
            let (mut interrupt, mut terminate) = signals;
            let interrupt = async {
                match interrupt.as_mut() {
                    Some(s) => drop(s.recv().await),
                    None => std::future::pending::<()>().await,
                }
            };
            let terminate = async {
                match terminate.as_mut() {
                    Some(s) => drop(s.recv().await),
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = interrupt => {}
                () = terminate => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
