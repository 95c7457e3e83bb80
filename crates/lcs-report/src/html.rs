//! One self-contained HTML page: the tables and the charts as inline SVG, with its style
//! inline; no script, no network access, no timestamp.

use crate::write::{display_cell, is_numeric};
use crate::Report;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:24px auto;max-width:1180px;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:2px solid #dde7f0;padding-bottom:.2em}
nav ul{columns:2;padding-left:1.2em}p.note{color:#555;font-style:italic;margin:.3em 0 .8em}
.scroll{overflow-x:auto;max-height:640px;overflow-y:auto;border:1px solid #ddd}
table{border-collapse:collapse;font-size:.85em;white-space:nowrap}
th{background:#dde7f0;position:sticky;top:0;text-align:left;padding:4px 8px;border-bottom:1px solid #999;white-space:normal;min-width:4em;vertical-align:top}
td{padding:3px 8px;border-bottom:1px solid #eee}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:nth-child(even) td{background:#f7f9fb}tr.total td{font-weight:bold}
figure{margin:1.2em 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-size:.9em}";

/// The report page.
pub(crate) fn page(report: &Report) -> String {
    let title = format!("lcs report: {}", report.scenarios.join(", "));
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str(&format!(
        "<title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n",
        esc(&title)
    ));
    s.push_str(&format!("<h1>{}</h1>\n", esc(&title)));
    s.push_str(&format!(
        "<p>Made by {} from the engine's results.</p>\n",
        esc(&crate::tool_name())
    ));
    s.push_str("<nav><ul>\n");
    for t in &report.tables {
        s.push_str(&format!(
            "<li><a href=\"#t-{}\">{}</a></li>\n",
            t.name,
            esc(&t.title)
        ));
    }
    for c in &report.charts {
        s.push_str(&format!(
            "<li><a href=\"#c-{}\">{}</a></li>\n",
            esc(&c.name),
            esc(&c.title)
        ));
    }
    s.push_str("</ul></nav>\n");
    for n in &report.notes {
        s.push_str(&format!("<p class=\"note\">Note: {}</p>\n", esc(n)));
    }
    s.push_str("<h2 id=\"charts\">Charts</h2>\n");
    for c in &report.charts {
        let svg = c.svg.find("<svg").map(|i| &c.svg[i..]).unwrap_or(&c.svg);
        s.push_str(&format!(
            "<figure id=\"c-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            esc(&c.name),
            svg.trim(),
            esc(&c.title)
        ));
    }
    for t in &report.tables {
        s.push_str(&format!("<h2 id=\"t-{}\">{}</h2>\n", t.name, esc(&t.title)));
        s.push_str(&format!("<p class=\"note\">{}</p>\n", esc(&t.note)));
        s.push_str(&format!(
            "<div class=\"scroll\"><table class=\"{}\">\n<thead><tr>",
            t.name
        ));
        let header = t.header();
        for h in &header {
            s.push_str(&format!("<th>{}</th>", esc(h)));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        let numeric: Vec<bool> = (0..header.len()).map(|c| is_numeric(t, c)).collect();
        for r in 0..t.height() {
            let cells: Vec<String> = (0..header.len()).map(|c| display_cell(t, r, c)).collect();
            let total = cells.iter().any(|c| c == "Total" || c == "TOTAL");
            s.push_str(if total {
                "<tr class=\"total\">"
            } else {
                "<tr>"
            });
            for (c, v) in cells.iter().enumerate() {
                if numeric[c] {
                    s.push_str(&format!("<td class=\"n\">{}</td>", esc(v)));
                } else {
                    s.push_str(&format!("<td>{}</td>", esc(v)));
                }
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody></table></div>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}
