//! `graph-emulator`: see `graph-emulator --help`.

use graph_tasks_emulator::{Command, USAGE};

// Many small allocations from many threads (bodies, headers, JSON): glibc's malloc serialises them
// on its arena locks, which the profile of a create load showed as the largest cost.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cfg = match graph_tasks_emulator::parse(std::env::args().skip(1)) {
        Ok(Command::Run(cfg)) => *cfg,
        Ok(Command::Help) => {
            print!("{USAGE}");
            return;
        }
        Err(e) => {
            eprintln!("graph-emulator: {e}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("graph-emulator: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(graph_tasks_emulator::run(cfg)) {
        eprintln!("graph-emulator: {e}");
        std::process::exit(1);
    }
}
