//! Command-line options.

use std::path::PathBuf;

/// The usage text printed by `--help`.
pub const USAGE: &str = "\
graph-emulator: a local Microsoft Graph Planner emulator

USAGE:
    graph-emulator [OPTIONS]

OPTIONS:
    --host HOST              address to bind (default 127.0.0.1)
    --port PORT              port to bind; 0 picks a free one (default 8787)
    --port-file FILE         write the bound port number to FILE once listening
    --seed FILE              users, plans and buckets (JSON, the shape of GET /_emulator/seed)
    --data FILE              SQLite database to keep data in: each 201 is sent after its commit
    --token T                accept only this bearer token (default: any non-empty token)
    --chaos-rate R           fail this fraction (0..1) of writes with 429, 503 or 504
    --chaos-seed N           seed for --chaos-rate, for a repeatable sequence
    --www DIR                serve DIR at / (index.html for /)
    --pkg DIR                serve DIR at /pkg/
    --page-size N            the most items a list answers per page (default 100)
    --rate-limit N           let each caller send N requests per second (429 with Retry-After beyond)
    --latency-ms MS          delay every answer of a Graph route by MS milliseconds
    --header-timeout-ms MS   close a connection whose request head (or next request) takes longer (default 20000)
    --allow-remote-control   keep /_emulator/ endpoints when bound to a non-loopback address
    --quiet                  no request log on stderr
    -h, --help               this text
";

/// Everything the command line sets.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Address to bind.
    pub host: String,
    /// Port to bind (0: any free port).
    pub port: u16,
    /// Where to write the bound port.
    pub port_file: Option<PathBuf>,
    /// Seed file; the built-in seed when `None`.
    pub seed: Option<PathBuf>,
    /// Journal file; memory only when `None`.
    pub data: Option<PathBuf>,
    /// The one accepted token, when set.
    pub token: Option<String>,
    /// Fraction of writes that fail.
    pub chaos_rate: f64,
    /// Seed of the chaos sequence.
    pub chaos_seed: Option<u64>,
    /// Static site directory.
    pub www: Option<PathBuf>,
    /// Built package directory.
    pub pkg: Option<PathBuf>,
    /// The most items a list answers per page.
    pub page_size: usize,
    /// Requests per second per caller; 0: no limit.
    pub rate_limit: f64,
    /// Delay of every Graph answer, in milliseconds.
    pub latency_ms: u64,
    /// How long a request head may take, and a kept-alive connection may idle, in milliseconds.
    pub header_timeout_ms: u64,
    /// Keep control endpoints on non-loopback binds.
    pub allow_remote_control: bool,
    /// No request log.
    pub quiet: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".to_owned(),
            port: 8787,
            port_file: None,
            seed: None,
            data: None,
            token: None,
            chaos_rate: 0.0,
            chaos_seed: None,
            www: None,
            pkg: None,
            page_size: 100,
            rate_limit: 0.0,
            latency_ms: 0,
            header_timeout_ms: 20_000,
            allow_remote_control: false,
            quiet: false,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// Run with this configuration.
    Run(Box<Config>),
    /// Print the usage.
    Help,
}

/// Parses the arguments (without the program name). `--name value` and `--name=value` both work.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut c = Config::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => args.next().ok_or_else(|| format!("{name} needs {what}")),
            }
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--host" => c.host = value("an address")?,
            "--port" => c.port = value("a port")?.parse().map_err(|_| "--port must be a number from 0 to 65535".to_owned())?,
            "--port-file" => c.port_file = Some(value("a file")?.into()),
            "--seed" => c.seed = Some(value("a file")?.into()),
            "--data" => c.data = Some(value("a file")?.into()),
            "--token" => {
                let t = value("a token")?;
                if t.is_empty() {
                    return Err("--token must not be empty".into());
                }
                c.token = Some(t);
            }
            "--chaos-rate" => {
                let r: f64 = value("a rate")?.parse().map_err(|_| "--chaos-rate must be a number".to_owned())?;
                if !(0.0..=1.0).contains(&r) {
                    return Err("--chaos-rate must be between 0 and 1".into());
                }
                c.chaos_rate = r;
            }
            "--chaos-seed" => c.chaos_seed = Some(value("a number")?.parse().map_err(|_| "--chaos-seed must be a whole number".to_owned())?),
            "--www" => c.www = Some(value("a directory")?.into()),
            "--pkg" => c.pkg = Some(value("a directory")?.into()),
            "--page-size" => {
                c.page_size = value("a number")?.parse().ok().filter(|n| *n > 0).ok_or_else(|| "--page-size must be a whole number above 0".to_owned())?;
            }
            "--rate-limit" => {
                c.rate_limit = value("a number")?
                    .parse()
                    .ok()
                    .filter(|n: &f64| n.is_finite() && *n >= 0.0)
                    .ok_or_else(|| "--rate-limit must be a number of requests per second".to_owned())?;
            }
            "--latency-ms" => {
                c.latency_ms =
                    value("a number")?.parse().ok().filter(|ms| *ms <= 600_000).ok_or_else(|| "--latency-ms must be a whole number up to 600000".to_owned())?;
            }
            "--header-timeout-ms" => {
                c.header_timeout_ms =
                    value("a number")?.parse().ok().filter(|ms| *ms > 0).ok_or_else(|| "--header-timeout-ms must be a whole number above 0".to_owned())?;
            }
            "--allow-remote-control" if inline.is_none() => c.allow_remote_control = true,
            "--quiet" if inline.is_none() => c.quiet = true,
            _ => return Err(format!("unknown option {arg:?}; see --help")),
        }
    }
    Ok(Command::Run(Box::new(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Config, String> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Command::Run(c) => Ok(*c),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn defaults_and_options() {
        assert_eq!(run(&[]).unwrap(), Config::default());
        let c = run(&["--port", "0", "--host=0.0.0.0", "--quiet", "--chaos-rate", "0.25", "--chaos-seed=7", "--token", "t"]).unwrap();
        assert_eq!((c.port, c.host.as_str(), c.quiet, c.chaos_rate, c.chaos_seed, c.token.as_deref()), (0, "0.0.0.0", true, 0.25, Some(7), Some("t")));
        assert!(run(&["--port"]).is_err());
        assert!(run(&["--port", "70000"]).is_err());
        assert!(run(&["--chaos-rate", "2"]).is_err());
        assert!(run(&["--bogus"]).is_err());
        assert!(run(&["--token", ""]).is_err());
        assert_eq!(run(&["--page-size", "7"]).unwrap().page_size, 7);
        assert!(run(&["--page-size", "0"]).is_err());
        let c = run(&["--rate-limit", "2.5", "--latency-ms", "40"]).unwrap();
        assert_eq!((c.rate_limit, c.latency_ms), (2.5, 40));
        assert!(run(&["--rate-limit", "-1"]).is_err());
        assert_eq!(parse(["--help".to_string()]).unwrap(), Command::Help);
    }
}
