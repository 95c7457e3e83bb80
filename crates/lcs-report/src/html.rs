//! One self-contained HTML page: the sections in order (tables, charts as inline SVG,
//! notes), with its style inline; no script, no network access, no timestamp.
//!
//! On screen, long tables scroll inside a box; in print (`@media print`) nothing scrolls:
//! every row and column is on paper, each section starts on a new page, wide tables are
//! set on landscape pages with their section (a named `@page wide`), header rows repeat on every page and a
//! row or chart is never split across pages.

use crate::tables::Table;
use crate::write::display_cell;
use crate::{Item, Report};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:24px auto;max-width:1180px;color:#222;line-height:1.4;padding:0 12px}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.35em;margin-top:2em;border-bottom:2px solid #dde7f0;padding-bottom:.2em}h3{font-size:1.05em;margin:1.4em 0 .2em}
nav ul{columns:2;padding-left:1.2em}p.note{color:#555;font-style:italic;margin:.3em 0 .8em}ul.legend{margin:.2em 0 1em}
.scroll{overflow-x:auto;max-height:640px;overflow-y:auto;border:1px solid #ddd}
table{border-collapse:collapse;font-size:.85em;white-space:nowrap}
th{background:#dde7f0;position:sticky;top:0;text-align:left;padding:4px 8px;border-bottom:1px solid #999;white-space:normal;min-width:4em;vertical-align:top}
td{padding:3px 8px;border-bottom:1px solid #eee}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr:nth-child(even) td{background:#f7f9fb}tr.total td{font-weight:bold;border-top:1px solid #999}
figure{margin:1.2em 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-size:.9em}
@page{size:A4 portrait;margin:14mm 12mm}
@page wide{size:A4 landscape;margin:12mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:9.5pt}
nav{display:none}
section{break-before:page}
section.first{break-before:auto}
.scroll{overflow:visible;max-height:none;border:none}
section.wide{page:wide}
table{white-space:normal;width:100%;font-size:7.5pt}
th{position:static;min-width:0;padding:2px 4px}td{padding:2px 4px}
thead{display:table-header-group}
tr,figure,img,svg{break-inside:avoid}
h2,h3,p.note{break-after:avoid}
figure svg{width:100%;max-height:24cm;border:none}
}";

/// A table is set on a landscape page in print when it has many columns or long headers.
pub(crate) fn is_wide(t: &Table) -> bool {
    let header_chars: usize = t.header().iter().map(|h| h.chars().count().min(24)).sum();
    t.width() > 7 || header_chars > 110
}

fn table_html(t: &Table, explained: &std::collections::BTreeSet<&str>) -> String {
    let mut s = format!(
        "<div class=\"table-block{}\" id=\"t-{}\">\n<h3>{}</h3>\n",
        if is_wide(t) { " wide" } else { "" },
        esc(&t.name),
        esc(&t.title)
    );
    if !t.note.is_empty() {
        s.push_str(&format!("<p class=\"note\">{}</p>\n", esc(&t.note)));
    }
    s.push_str(&format!(
        "<div class=\"scroll\"><table class=\"{}\">\n<thead><tr>",
        esc(&t.name)
    ));
    let header = t.header();
    let numeric: Vec<bool> = (0..header.len()).map(|c| t.is_numeric(c)).collect();
    for (c, h) in header.iter().enumerate() {
        if numeric[c] {
            s.push_str(&format!("<th class=\"n\">{}</th>", esc(h)));
        } else {
            s.push_str(&format!("<th>{}</th>", esc(h)));
        }
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for r in 0..t.height() {
        s.push_str(if t.bold_rows.contains(&r) {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for (c, n) in numeric.iter().enumerate() {
            let mut v = esc(&display_cell(t, r, c));
            // A value with an explanation on the page links to it.
            if let Some((_, _, what)) = t.links.iter().find(|(lr, lc, _)| *lr == r && *lc == c) {
                let anchor = what.anchor();
                if explained.contains(anchor.as_str()) {
                    v = format!("<a href=\"#{}\">{v}</a>", esc(&anchor));
                }
            }
            if *n {
                s.push_str(&format!("<td class=\"n\">{v}</td>"));
            } else {
                s.push_str(&format!("<td>{v}</td>"));
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n</div>\n");
    s
}

/// The report page.
pub(crate) fn page(report: &Report) -> String {
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str(&format!(
        "<title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n",
        esc(&report.title)
    ));
    s.push_str(&format!("<h1>{}</h1>\n", esc(&report.heading)));
    s.push_str("<ul class=\"legend\">\n");
    for l in &report.legend {
        s.push_str(&format!("<li>{}</li>\n", esc(l)));
    }
    s.push_str("</ul>\n");
    s.push_str(&format!(
        "<p>Made by {} from the engine's results.</p>\n",
        esc(&crate::tool_name())
    ));
    for n in &report.notes {
        s.push_str(&format!("<p class=\"note\">Note: {}</p>\n", esc(n)));
    }
    s.push_str("<nav><ul>\n");
    for sec in &report.sections {
        s.push_str(&format!(
            "<li><a href=\"#s-{}\">{}</a></li>\n",
            esc(&sec.id),
            esc(&sec.title)
        ));
    }
    s.push_str("</ul></nav>\n");
    let explained: std::collections::BTreeSet<&str> = report
        .explanations
        .iter()
        .map(|e| e.anchor.as_str())
        .collect();
    for (k, sec) in report.sections.iter().enumerate() {
        // A section with a wide table is set on landscape pages as a whole, so that its
        // heading is not left alone on a portrait page.
        let wide = sec
            .items
            .iter()
            .any(|i| matches!(i, Item::Table(t) if is_wide(t)));
        let mut class: Vec<&str> = Vec::new();
        if k == 0 {
            class.push("first");
        }
        if wide {
            class.push("wide");
        }
        s.push_str(&format!(
            "<section id=\"s-{}\"{}>\n<h2>{}</h2>\n",
            esc(&sec.id),
            if class.is_empty() {
                String::new()
            } else {
                format!(" class=\"{}\"", class.join(" "))
            },
            esc(&sec.title)
        ));
        for it in &sec.items {
            match it {
                Item::Table(t) => s.push_str(&table_html(t, &explained)),
                Item::Chart(c) => {
                    let svg = c.svg.find("<svg").map(|i| &c.svg[i..]).unwrap_or(&c.svg);
                    s.push_str(&format!(
                        "<figure id=\"c-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                        esc(&c.name),
                        svg.trim(),
                        esc(&c.title)
                    ));
                }
                Item::Note(n) => s.push_str(&format!("<p class=\"note\">{}</p>\n", esc(n))),
            }
        }
        s.push_str("</section>\n");
    }
    if !report.explanations.is_empty() {
        s.push_str("<section id=\"s-explanations\">\n<h2>Explanations</h2>\n<p class=\"note\">How each linked value of the tables above is computed: two levels deep for the emissions table, one level for values only other tables link (`lcs explain` shows the whole tree).</p>\n");
        for e in &report.explanations {
            s.push_str(&format!(
                "<details id=\"{}\"><summary>{}</summary>\n<pre>{}</pre>\n</details>\n",
                esc(&e.anchor),
                esc(&e.title),
                esc(&e.text)
            ));
        }
        s.push_str("</section>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}
