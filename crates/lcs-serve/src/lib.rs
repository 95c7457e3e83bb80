//! The lever explorer (issue 16; docs/EXPLORER.md): a local web page and a JSON API that
//! re-evaluate a scenario on every move of an action's ambition or start year.
//!
//! Owns: [`Explorer`] (the served scenarios, compiled once, with their reference runs and
//! the runs of their files' values), the lever state and the `adjust:` entries it stands for
//! ([`levers`]), the JSON forms of the API ([`json`]), the HTTP routes and their limits,
//! and [`start`], which binds an address and serves until stopped or Ctrl-C.
//!
//! Equations: none of its own. A lever state is one `adjust:` entry per changed action
//! (`r'(y) = a × r(y − d)`, docs/EXTENSIONS.md) applied with
//! [`lcs_engine::Compiled::set_adjustments`] through [`lcs_model::measure_adjustment_in`],
//! exactly as `lcs run` applies the exported file; totals, sectors and intensities are the
//! engine's rows, targets [`lcs_engine::evaluate_targets`], wedges [`lcs_engine::attribute`]
//! (exact Shapley up to 12 actions), the band and P(target met)
//! [`lcs_uncertainty::run_ensemble`]. Units: kt CO2e per year for emissions, t CO2e per
//! declared driver unit for intensities, as the engine's rows.
//!
//! Never depends on: polars or `lcs-report`, clap, or the binary; reads and writes no file
//! (scenarios come in loaded, the page is embedded with `include_str!`), prints nothing.
//!
//! ```no_run
//! let mut loader = lcs_model::Loader::new();
//! let path = std::path::PathBuf::from("scenarios/iskandar/cm-2025.yaml");
//! let scenario = loader.load_scenario(&path).expect("valid scenario");
//! let explorer = lcs_serve::Explorer::new(vec![lcs_serve::ServedFile { path, scenario }])
//!     .expect("runs");
//! let e = explorer.evaluate(&Default::default()).expect("the file's values");
//! assert_eq!(e.pathway.current, e.pathway.scenario);
//! let running = lcs_serve::start(explorer, &lcs_serve::Options::loopback(8765)).expect("binds");
//! running.wait().expect("served until Ctrl-C");
//! ```
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod error;
mod explorer;
mod http;
pub mod json;
pub mod levers;

pub use error::{ApiError, ServeError};
pub use explorer::{
    Explorer, ServedFile, DEFAULT_SAMPLES, EXACT_SHAPLEY_ACTIONS, MAX_SAMPLES, SAMPLED_ORDERINGS,
};
pub use http::{ENSEMBLE_PERMITS, HEAVY_PERMITS};

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// The largest request body, bytes (a lever state of a hundred actions is under 8 KiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How long open connections may take to finish after Ctrl-C or [`Running::stop`].
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Where and how to serve.
#[derive(Clone, Debug)]
pub struct Options {
    /// The address to bind (port 0: any free port).
    pub addr: SocketAddr,
    /// Refuse requests whose `Host` is not a loopback name with the bound port (on for a
    /// loopback address: it stops DNS-rebinding pages).
    pub check_host: bool,
    /// Stop on Ctrl-C (SIGINT).
    pub ctrl_c: bool,
}

impl Options {
    /// 127.0.0.1 at `port`, host check on, Ctrl-C stops.
    pub fn loopback(port: u16) -> Options {
        Options {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            check_host: true,
            ctrl_c: true,
        }
    }
}

/// A server running on its own thread.
pub struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServeError>>>,
}

fn io(what: &str) -> impl FnOnce(std::io::Error) -> ServeError + '_ {
    move |source| ServeError::Io {
        what: what.to_string(),
        source,
    }
}

/// Binds `options.addr` and serves the explorer on a thread of its own (a tokio runtime
/// with two workers; engine work on its blocking threads and rayon).
pub fn start(explorer: Explorer, options: &Options) -> Result<Running, ServeError> {
    let listener = std::net::TcpListener::bind(options.addr)
        .map_err(io(&format!("cannot listen on {}", options.addr)))?;
    listener
        .set_nonblocking(true)
        .map_err(io("cannot set up the listener"))?;
    let addr = listener
        .local_addr()
        .map_err(io("cannot read the bound address"))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("lcs-serve")
        .enable_all()
        .build()
        .map_err(io("cannot start the runtime"))?;
    let app = http::router(explorer, addr, options.check_host);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let ctrl_c = options.ctrl_c;
    let thread = std::thread::Builder::new()
        .name("lcs-serve".into())
        .spawn(move || {
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)
                    .map_err(io("cannot set up the listener"))?;
                let (drain_tx, drain_rx) = tokio::sync::oneshot::channel::<()>();
                let stop = async move {
                    if ctrl_c {
                        tokio::select! {
                            _ = rx => {}
                            _ = tokio::signal::ctrl_c() => {}
                        }
                    } else {
                        let _ = rx.await;
                    }
                    let _ = drain_tx.send(());
                };
                let server = axum::serve(listener, app).with_graceful_shutdown(stop);
                tokio::select! {
                    r = std::future::IntoFuture::into_future(server) => r.map_err(io("the server stopped")),
                    _ = async {
                        if drain_rx.await.is_ok() {
                            tokio::time::sleep(SHUTDOWN_GRACE).await;
                        } else {
                            std::future::pending::<()>().await;
                        }
                    } => Ok(()),
                }
            })
        })
        .map_err(io("cannot start the server thread"))?;
    Ok(Running {
        addr,
        stop: Some(tx),
        thread: Some(thread),
    })
}

impl Running {
    /// The bound address (with the port chosen when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops serving: open requests get [`SHUTDOWN_GRACE`] to finish.
    pub fn stop(mut self) -> Result<(), ServeError> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.join()
    }

    /// Serves until Ctrl-C (with [`Options::ctrl_c`]) or a fatal error.
    pub fn wait(mut self) -> Result<(), ServeError> {
        self.join()
    }

    fn join(&mut self) -> Result<(), ServeError> {
        match self.thread.take() {
            Some(t) => t.join().unwrap_or_else(|_| {
                Err(ServeError::Io {
                    what: "the server thread".into(),
                    source: std::io::Error::other("panicked"),
                })
            }),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if self.thread.is_some() {
            let _ = self.join();
        }
    }
}
