//! Errors of the explorer: what a request got wrong (HTTP 4xx, shown to the user as a
//! sentence) and why the server could not start.

use std::fmt;

/// A request the explorer refuses, with what was expected and what was found.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The body is not the JSON the endpoint takes (serde's message, with line and column).
    Json {
        /// serde_json's description.
        message: String,
    },
    /// The body is larger than [`crate::MAX_BODY_BYTES`].
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A POST without `Content-Type: application/json`.
    NotJson {
        /// The content type sent, if any.
        found: Option<String>,
    },
    /// No served scenario has this id.
    UnknownScenario {
        /// The id asked for.
        found: String,
        /// The served ids nearest to it.
        nearest: Vec<String>,
        /// Every served id.
        served: Vec<String>,
    },
    /// A lever names no action of the scenario.
    UnknownAction {
        /// The scenario.
        scenario: String,
        /// The key sent.
        found: String,
        /// The nearest action ids.
        nearest: Vec<String>,
    },
    /// An ambition outside 0..=max.
    AmbitionOutOfRange {
        /// The action.
        action: String,
        /// The value sent.
        found: f64,
        /// The largest ambition allowed.
        max: f64,
    },
    /// A start year that is not a whole number.
    StartNotWhole {
        /// The action.
        action: String,
        /// The value sent.
        found: f64,
    },
    /// A start year outside the allowed years.
    StartOutOfRange {
        /// The action.
        action: String,
        /// The value sent.
        found: f64,
        /// Earliest allowed.
        first: i32,
        /// Latest allowed.
        last: i32,
    },
    /// A headline year outside the model years.
    YearOutOfRange {
        /// The value sent.
        found: i64,
        /// First model year.
        first: i32,
        /// Last model year.
        last: i32,
    },
    /// An attribution method the explorer does not offer.
    UnknownAttribution {
        /// The value sent.
        found: String,
    },
    /// An ensemble size outside 1..=max.
    SamplesOutOfRange {
        /// The value sent.
        found: u64,
        /// The largest ensemble a request may ask for.
        max: u64,
    },
    /// An ensemble asked of a scenario without an `uncertainty:` section.
    NoUncertainty {
        /// The scenario.
        scenario: String,
    },
    /// The lever setting breaks a rule of the model in some year (a share above 1, say).
    Run {
        /// The engine's error with the scenario's names.
        message: String,
    },
    /// The ensemble stopped: the request was cancelled, or a sample failed.
    Ensemble {
        /// What happened.
        message: String,
    },
    /// A request whose `Host` is not this machine's loopback name (DNS rebinding).
    ForeignHost {
        /// The host sent.
        found: String,
    },
    /// Nothing is served at this path.
    NotFound {
        /// The path asked for.
        path: String,
    },
    /// The path is served, but not with this method (`GET /api/evaluate`).
    MethodNotAllowed {
        /// The method sent.
        method: String,
        /// The path asked for.
        path: String,
        /// The method the path takes.
        allowed: &'static str,
    },
}

impl ApiError {
    /// The HTTP status code of the error.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BodyTooLarge { .. } => 413,
            ApiError::NotJson { .. } => 415,
            ApiError::ForeignHost { .. } => 403,
            ApiError::NotFound { .. } => 404,
            ApiError::MethodNotAllowed { .. } => 405,
            _ => 400,
        }
    }
}

fn did_you_mean(nearest: &[String]) -> String {
    match nearest.first() {
        Some(n) => format!(" (did you mean `{n}`?)"),
        None => String::new(),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Json { message } => write!(f, "the request is not valid: {message}"),
            ApiError::BodyTooLarge { limit } => {
                write!(f, "the request body is larger than {limit} bytes")
            }
            ApiError::NotJson { found } => write!(
                f,
                "a request body must be JSON with `Content-Type: application/json`, found {}",
                found
                    .as_deref()
                    .map(|t| format!("`{t}`"))
                    .unwrap_or_else(|| "no content type".into())
            ),
            ApiError::UnknownScenario {
                found,
                nearest,
                served,
            } => write!(
                f,
                "`scenario` is `{found}`, which is not served{}; served: {}",
                did_you_mean(nearest),
                served
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ApiError::UnknownAction {
                scenario,
                found,
                nearest,
            } => write!(
                f,
                "`levers` names `{found}`, which is not an action of scenario `{scenario}`{}",
                did_you_mean(nearest)
            ),
            ApiError::AmbitionOutOfRange { action, found, max } => write!(
                f,
                "`levers.{action}.ambition` is {found}, expected 0 to {max} (0–{} % of the measures' sizes)",
                max * 100.0
            ),
            ApiError::StartNotWhole { action, found } => write!(
                f,
                "`levers.{action}.start` is {found}, expected a year (a whole number)"
            ),
            ApiError::StartOutOfRange {
                action,
                found,
                first,
                last,
            } => write!(
                f,
                "`levers.{action}.start` is {found}, expected a year from {first} to {last}"
            ),
            ApiError::YearOutOfRange { found, first, last } => write!(
                f,
                "`year` is {found}, expected a model year from {first} to {last}"
            ),
            ApiError::UnknownAttribution { found } => write!(
                f,
                "`attribution` is `{found}`, expected `none` or `shapley`"
            ),
            ApiError::SamplesOutOfRange { found, max } => write!(
                f,
                "`samples` is {found}, expected 1 to {max} (the explorer runs small ensembles; use `lcs ensemble` for more)"
            ),
            ApiError::NoUncertainty { scenario } => write!(
                f,
                "scenario `{scenario}` has no `uncertainty:` section, so there is no ensemble to run"
            ),
            ApiError::Run { message } => write!(f, "this lever setting cannot be run: {message}"),
            ApiError::Ensemble { message } => write!(f, "the ensemble stopped: {message}"),
            ApiError::ForeignHost { found } => write!(
                f,
                "requests must name this machine's loopback address as `Host`, found `{found}`"
            ),
            ApiError::NotFound { path } => write!(f, "nothing is served at `{path}`"),
            ApiError::MethodNotAllowed {
                method,
                path,
                allowed,
            } => write!(
                f,
                "`{path}` takes {allowed} requests, found {method}"
            ),
        }
    }
}

impl std::error::Error for ApiError {}

/// Why the explorer could not start or stopped with an error.
#[derive(Debug)]
pub enum ServeError {
    /// No scenario to serve.
    NoScenario,
    /// Two served files have the same scenario id.
    DuplicateScenario {
        /// The id.
        id: String,
    },
    /// A scenario does not compile.
    Compile {
        /// The scenario.
        scenario: String,
        /// The engine's message.
        message: String,
    },
    /// A scenario's file values cannot be run (its own run or its reference failed).
    Run {
        /// The scenario.
        scenario: String,
        /// The engine's message with the scenario's names.
        message: String,
    },
    /// The address could not be bound, or the runtime failed.
    Io {
        /// What was being done.
        what: String,
        /// The system's error.
        source: std::io::Error,
    },
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::NoScenario => write!(f, "no scenario to serve"),
            ServeError::DuplicateScenario { id } => write!(
                f,
                "two served files are scenario `{id}`: serve each scenario once"
            ),
            ServeError::Compile { scenario, message } => {
                write!(f, "scenario `{scenario}` does not compile: {message}")
            }
            ServeError::Run { scenario, message } => {
                write!(f, "scenario `{scenario}` cannot be run: {message}")
            }
            ServeError::Io { what, source } => write!(f, "{what}: {source}"),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServeError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
