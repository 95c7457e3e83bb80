//! The HTTP side: routes, request checks and responses (docs/EXPLORER.md, "API" and
//! "Safety").
//!
//! Every response is built from memory: the page's files are embedded in the binary and the
//! scenarios were loaded at start-up, so no request reads or writes a file. Bodies larger
//! than [`crate::MAX_BODY_BYTES`] are refused (413) before they are buffered; a POST must
//! be `application/json` (415), which also keeps other web sites' pages from posting to
//! the explorer without a CORS preflight it never answers; on a loopback address a request
//! must name a loopback host (403), so a DNS-rebinding page cannot reach it either. Engine
//! work runs on blocking threads; wedges and ensembles are limited to
//! [`HEAVY_PERMITS`] and [`ENSEMBLE_PERMITS`] at a time, and an ensemble whose request goes
//! away (the page aborts it when a lever moves) is cancelled.

use crate::error::ApiError;
use crate::explorer::Explorer;
use crate::json::{EnsembleRequest, ErrorJson, EvaluateRequest, ExportRequest};
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Requests with Shapley wedges computed at the same time.
pub const HEAVY_PERMITS: usize = 2;
/// Ensembles run at the same time.
pub const ENSEMBLE_PERMITS: usize = 1;

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct AppState {
    explorer: Explorer,
    /// Hosts a request may name (`None`: any, when listening beyond loopback).
    hosts: Option<Vec<String>>,
    heavy: Semaphore,
    ensembles: Semaphore,
}

/// The router of the explorer bound at `addr`. With `check_host`, requests must name
/// `127.0.0.1`, `localhost` or `[::1]` with the bound port as their `Host`.
pub(crate) fn router(explorer: Explorer, addr: SocketAddr, check_host: bool) -> Router {
    let port = addr.port();
    let hosts = check_host.then(|| {
        vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ]
    });
    let state = Arc::new(AppState {
        explorer,
        hosts,
        heavy: Semaphore::new(HEAVY_PERMITS),
        ensembles: Semaphore::new(ENSEMBLE_PERMITS),
    });
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(app_js))
        .route("/app.css", get(app_css))
        .route("/api/scenarios", get(scenarios))
        .route("/api/evaluate", post(evaluate))
        .route("/api/ensemble", post(ensemble))
        .route("/api/export", post(export))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(crate::MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

fn error_response(e: &ApiError) -> Response {
    let body = serde_json::to_vec(&ErrorJson {
        error: e.to_string(),
    })
    .unwrap_or_default();
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn json_response<T: serde::Serialize>(v: &T) -> Response {
    match serde_json::to_vec(v) {
        Ok(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Err(_) => internal(),
    }
}

fn internal() -> Response {
    let body = serde_json::to_vec(&ErrorJson {
        error: "internal error in the explorer".into(),
    })
    .unwrap_or_default();
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// Host check and the headers every response carries.
async fn guard(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if let Some(hosts) = &st.hosts {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return error_response(&ApiError::ForeignHost {
                found: host.to_string(),
            });
        }
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    res
}

fn asset(kind: &'static str, text: &'static str) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, kind)], text).into_response()
}

async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn app_css() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

async fn not_found(req: Request) -> Response {
    error_response(&ApiError::NotFound {
        path: req.uri().path().chars().take(200).collect(),
    })
}

/// A served path with another method: a 405 with the `{"error": …}` body of every error
/// (it had an empty body; found by the held-out review). axum adds the `Allow` header.
async fn method_not_allowed(req: Request) -> Response {
    let path = req.uri().path();
    let allowed = if path.starts_with("/api/") && path != "/api/scenarios" {
        "POST"
    } else {
        "GET"
    };
    error_response(&ApiError::MethodNotAllowed {
        method: req.method().as_str().chars().take(20).collect(),
        path: path.chars().take(200).collect(),
        allowed,
    })
}

async fn scenarios(State(st): State<Arc<AppState>>) -> Response {
    json_response(&st.explorer.scenarios())
}

/// The JSON body of a POST: refused when too large, not JSON, or not the endpoint's form.
fn body_of<T: DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::BodyTooLarge {
                limit: crate::MAX_BODY_BYTES,
            }
        } else {
            ApiError::Json {
                message: e.body_text(),
            }
        }
    })?;
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let is_json = kind.is_some_and(|k| {
        k.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    });
    if !is_json {
        return Err(ApiError::NotJson {
            found: kind.map(|k| k.chars().take(100).collect()),
        });
    }
    let Some(first) = body.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Ok(T::default());
    };
    // serde reads a struct from an array too (`["cm-2025"]` as `{"scenario": "cm-2025"}`):
    // a body is an object, as docs/EXPLORER.md writes every request.
    if *first != b'{' {
        return Err(ApiError::Json {
            message: "expected a JSON object (`{...}`) as the body".into(),
        });
    }
    serde_json::from_slice(&body).map_err(|e| ApiError::Json {
        message: plain_serde_message(&e.to_string()),
    })
}

/// serde's message with the Rust names of the request's types replaced by what they mean
/// to the sender (`expected i64` → `expected a whole number`, `expected struct LeverJson`
/// → `expected an object with `ambition` and `start``): the user never sees Rust types.
fn plain_serde_message(message: &str) -> String {
    const NAMES: [(&str, &str); 8] = [
        (
            "expected struct LeverJson",
            "expected an object with `ambition` and `start`",
        ),
        ("expected struct EvaluateRequest", "expected an object"),
        ("expected struct EnsembleRequest", "expected an object"),
        ("expected struct ExportRequest", "expected an object"),
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected f64", "expected a number"),
        ("expected a map", "expected an object"),
    ];
    NAMES.iter().fold(message.to_string(), |m, (rust, plain)| {
        m.replace(rust, plain)
    })
}

async fn evaluate(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let req: EvaluateRequest = match body_of(&headers, body) {
        Ok(r) => r,
        Err(e) => return error_response(&e),
    };
    let _permit = if req.attribution.as_deref() == Some("shapley") {
        match st.heavy.acquire().await {
            Ok(p) => Some(p),
            Err(_) => return internal(),
        }
    } else {
        None
    };
    let st2 = st.clone();
    match tokio::task::spawn_blocking(move || st2.explorer.evaluate(&req)).await {
        Ok(Ok(v)) => json_response(&v),
        Ok(Err(e)) => error_response(&e),
        Err(_) => internal(),
    }
}

/// Sets the flag when dropped: the handler's future is dropped when its connection closes.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

async fn ensemble(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let req: EnsembleRequest = match body_of(&headers, body) {
        Ok(r) => r,
        Err(e) => return error_response(&e),
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let _guard = CancelOnDrop(cancel.clone());
    let _permit = match st.ensembles.acquire().await {
        Ok(p) => p,
        Err(_) => return internal(),
    };
    let st2 = st.clone();
    match tokio::task::spawn_blocking(move || st2.explorer.ensemble(&req, &cancel)).await {
        Ok(Ok(v)) => json_response(&v),
        Ok(Err(e)) => error_response(&e),
        Err(_) => internal(),
    }
}

async fn export(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let req: ExportRequest = match body_of(&headers, body) {
        Ok(r) => r,
        Err(e) => return error_response(&e),
    };
    match st.explorer.export(&req) {
        Ok((name, text)) => {
            let disposition = format!("attachment; filename=\"{name}\"");
            let mut res = Response::new(Body::from(text));
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/yaml; charset=utf-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(e) => error_response(&e),
    }
}
