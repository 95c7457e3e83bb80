//! Helpers for tests that read the binary's rendered error reports.

/// The rendered report wraps long messages at the terminal's width (`  │ ` continuation lines
/// in the headline, indented lines in the help), and where it wraps depends on the length of
/// the file paths in it, so on the checkout's folder. Join every line to the previous one
/// with a single space so that a substring check does not depend on where a line was wrapped.
pub(crate) fn flatten(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.trim_start();
            l.strip_prefix('│').map(str::trim_start).unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join(" ")
}
