//! `lcs serve`: the lever explorer (lcs-serve does the work; this is the glue: loading the
//! scenarios with their diagnostics, the address, printing the URL).

use super::{load, Failure};
use lcs_model::Loader;
use lcs_serve::{Explorer, Options, ServedFile};
use std::net::SocketAddr;
use std::path::PathBuf;

pub fn run(files: &[PathBuf], port: u16, listen: Option<SocketAddr>) -> Result<(), Failure> {
    let mut loader = Loader::new();
    let mut served = Vec::with_capacity(files.len());
    for path in files {
        let scenario = load(&mut loader, path)?;
        served.push(ServedFile {
            path: path.clone(),
            scenario,
        });
    }
    let explorer = Explorer::new(served)?;
    let mut options = Options::loopback(port);
    if let Some(addr) = listen {
        options.addr = addr;
        options.check_host = addr.ip().is_loopback();
        if !addr.ip().is_loopback() {
            eprintln!(
                "warning: listening on {addr}, beyond this machine: anyone who can reach it can use the explorer (it reads and writes no files)"
            );
        }
    }
    let running = lcs_serve::start(explorer, &options)?;
    println!("lcs serve: {} (Ctrl-C stops)", running.url());
    use std::io::Write;
    let _ = std::io::stdout().flush();
    running.wait()?;
    eprintln!("lcs serve: stopped");
    Ok(())
}
