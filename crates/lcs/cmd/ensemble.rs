//! `lcs ensemble`: a Monte Carlo ensemble over a scenario's `uncertainty:` section, whole
//! or as one shard (Parquet, for `lcs merge`). Also holds what `merge` and `sensitivity`
//! share: the progress bar, Ctrl-C handling, the output layout and the writers.
//!
//! Outputs (all written at the end, each to a temporary file and renamed; nothing is written
//! when the run fails or is interrupted):
//! `ensemble.csv` (`scenario,variable,unit,year,samples,mean,sd,min,p5,p25,p50,p75,p95,max`),
//! `parameters.csv` (the sampled parameters, same statistics), `targets.csv`
//! (`scenario,target,year,samples,met,probability`) and, with `--shapley`,
//! `attribution.csv` (`scenario,action,year,…`, kt CO2e).

use super::{compile, load, run_info, Failure};
use crate::output::{field, num, write_atomic};
use lcs_model::{Loader, Scenario};
use lcs_report::manifest::{sha256_hex, OutKind, RunInfo, StableHash};
use lcs_report::shards::{parquet_columns, write_parquet, Column, Columns};
use lcs_uncertainty::engine::{ensemble_of, ScenarioModel};
use lcs_uncertainty::ensemble::PartialMoments;
use lcs_uncertainty::stats::{Moments, Sketch};
use lcs_uncertainty::{run_ensemble, Control, Ensemble, Error, Partial, Shard, Summary};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

static CANCEL: AtomicBool = AtomicBool::new(false);
static HANDLER: Once = Once::new();

/// A progress bar with rate and remaining time (hidden when stderr is not a terminal), and
/// a Ctrl-C handler that asks the workers to stop.
pub fn progress(total: u64, what: &str) -> indicatif::ProgressBar {
    HANDLER.call_once(|| {
        let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::Relaxed));
    });
    let pb = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:30}] {human_pos}/{human_len}, {rate}, ETA {eta}",
    ) {
        pb.set_style(
            style
                .with_key(
                    "rate",
                    |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{}", rate(s.per_sec()));
                    },
                )
                .progress_chars("=> "),
        );
    }
    pb.set_message(what.to_string());
    pb
}

/// A rate for the progress bar: whole samples per second with thousands separators
/// (`1,619/s`), one decimal below 10.
fn rate(per_sec: f64) -> String {
    if !per_sec.is_finite() || per_sec < 0.0 {
        "-/s".to_string()
    } else if per_sec < 10.0 {
        format!("{per_sec:.1}/s")
    } else {
        format!("{}/s", super::fmt_count(per_sec.round() as usize))
    }
}

/// Runs `f` with a control wired to the progress bar and Ctrl-C.
pub fn with_control<R>(pb: &indicatif::ProgressBar, f: impl FnOnce(&Control) -> R) -> R {
    let inc = |n: u64| pb.inc(n);
    let r = f(&Control {
        cancel: &CANCEL,
        progress: &inc,
    });
    pb.finish_and_clear();
    r
}

/// A library error as a failure (parameter names in evaluation errors). A failed engine
/// run is reported as `lcs run` reports it (the measure's or parameter's file, line and
/// key), with the sample and its values as a note.
pub fn failure(e: Error, params: &[(String, String)], loader: &Loader, s: &Scenario) -> Failure {
    match e {
        Error::Cancelled => Failure::Message("interrupted (Ctrl-C): nothing was written".into()),
        Error::Invalid(m) => Failure::Message(m.to_string()),
        Error::Eval {
            sample,
            params: values,
            message,
            run,
        } => {
            let p: Vec<String> = params
                .iter()
                .zip(&values)
                .map(|((id, _), v)| format!("{id} = {}", num(Some(*v))))
                .collect();
            let sample = format!("sample {sample} ({})", p.join(", "));
            match run {
                Some(r) => {
                    let d = super::run_error(s, &r).note(format!("in {sample}"));
                    crate::render::report(&[d], &loader.sources);
                    Failure::Reported
                }
                None => Failure::Message(format!("{sample} failed: {message}")),
            }
        }
    }
}

/// Loads a scenario with an `uncertainty:` section whose distributions can be sampled
/// (a problem such as "normal truncation leaves no probability mass" is reported at the
/// parameter, with its file, line and key).
pub fn load_uncertain(path: &Path) -> Result<(Loader, Scenario), Failure> {
    let mut loader = Loader::new();
    let s = load(&mut loader, path)?;
    if s.uncertainty.is_empty() {
        return Err(Failure::Message(format!(
            "scenario `{}` has no `uncertainty:` parameters (docs/UNCERTAINTY.md)",
            s.id
        )));
    }
    let diags = distribution_errors(&s);
    if !diags.is_empty() {
        crate::render::report(&diags, &loader.sources);
        return Err(Failure::Reported);
    }
    Ok((loader, s))
}

/// The uncertain parameters of `s` whose distribution cannot be sampled, as diagnostics at
/// the parameter (`lcs validate`, `ensemble` and `sensitivity` report them the same way).
pub fn distribution_errors(s: &Scenario) -> Vec<lcs_model::Diagnostic> {
    use lcs_uncertainty::Quantile;
    s.uncertainty
        .iter()
        .filter_map(|p| {
            p.distribution.check().err().map(|m| {
                lcs_model::Diagnostic::new(p.span, format!("uncertain parameter `{}`: {m}", p.id))
                    .at(format!("{}.distribution", p.key))
                    .note(format!("target: `{}`", p.path))
            })
        })
        .collect()
}

/// What the statistics are of: enough to write the outputs without the scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub scenario: String,
    pub years: Vec<i32>,
    /// Output rows (result rows, then `Attribution|<action>` rows), each over `years`.
    pub rows: Vec<(String, String)>,
    /// Number of result rows (the rest are attribution rows).
    pub n_main: usize,
    /// (id, unit) of each parameter.
    pub params: Vec<(String, String)>,
    /// (id, year) of each target.
    pub targets: Vec<(String, i32)>,
    /// Hash of everything that defines the ensemble (rows, parameters and their
    /// distributions, correlations, targets), to refuse merging unrelated shards.
    pub fingerprint: u64,
}

/// The fingerprint of an ensemble set-up over a stable encoding (lengths, tags, `f64`
/// bits; never Rust `Debug` text): scenario, output rows, parameters and their
/// distributions, correlations, targets and years.
fn fingerprint(s: &Scenario, m: &ScenarioModel, ens: &Ensemble) -> u64 {
    use lcs_model::Distribution as D;
    let mut h = StableHash::new("lcs-ensemble-fingerprint 2");
    h.str(&s.id);
    let rows = m.rows();
    h.u64(rows.len() as u64);
    for (v, u) in &rows {
        h.str(v).str(u);
    }
    let params = m.parameters();
    h.u64(params.len() as u64);
    for (id, u) in &params {
        h.str(id).str(u);
    }
    let targets = m.targets();
    h.u64(targets.len() as u64);
    for (id, y) in &targets {
        h.str(id).i64(*y as i64);
    }
    h.u64(ens.params.len() as u64);
    for d in &ens.params {
        match d {
            D::Uniform { min, max } => h.tag(1).f64(*min).f64(*max),
            D::Triangular { min, mode, max } => h.tag(2).f64(*min).f64(*mode).f64(*max),
            D::Normal { mean, sd, min, max } => {
                h.tag(3).f64(*mean).f64(*sd).opt_f64(*min).opt_f64(*max)
            }
            D::Lognormal { mu, sigma } => h.tag(4).f64(*mu).f64(*sigma),
            D::Discrete { values, weights } => {
                h.tag(5).u64(values.len() as u64);
                for (v, w) in values.iter().zip(weights) {
                    h.f64(*v).f64(*w);
                }
                &mut h
            }
        };
    }
    h.u64(ens.correlations.len() as u64);
    for c in &ens.correlations {
        h.u64(c.a as u64).u64(c.b as u64).f64(c.rank);
    }
    let years = m.years();
    h.u64(years.len() as u64);
    for y in years {
        h.i64(y as i64);
    }
    h.finish_u64()
}

impl Layout {
    pub fn new(s: &Scenario, m: &ScenarioModel, ens: &Ensemble) -> Layout {
        let rows = m.rows();
        let params = m.parameters();
        let targets = m.targets();
        let fingerprint = fingerprint(s, m, ens);
        Layout {
            scenario: s.id.clone(),
            years: m.years(),
            n_main: m.n_main_rows(),
            rows,
            params,
            targets,
            fingerprint,
        }
    }
}

const STAT_HEADER: &str = "samples,mean,sd,min,p5,p25,p50,p75,p95,max";

/// The statistics cells of series `i`, with its percentiles `p` ([`Summary::percentiles`]).
fn stat_cells(s: &Summary, i: usize, p: &[Option<f64>; 5]) -> String {
    let m = &s.moments;
    if m.count[i] == 0 {
        return format!("0{}", ",".repeat(9));
    }
    let mut cells = vec![
        m.count[i].to_string(),
        num(Some(m.mean[i])),
        num(m.sd(i)),
        num(Some(m.min[i])),
    ];
    cells.extend(p.iter().map(|v| num(*v)));
    cells.push(num(Some(m.max[i])));
    cells.join(",")
}

/// The output files of a whole ensemble, as (file name, contents).
pub fn outputs(l: &Layout, s: &Summary) -> Vec<(String, String)> {
    let ny = l.years.len();
    let sc = field(&l.scenario);
    let table = s.percentile_table();
    let mut ens = format!("scenario,variable,unit,year,{STAT_HEADER}\n");
    let mut attr = format!("scenario,action,year,{STAT_HEADER}\n");
    for (r, (var, unit)) in l.rows.iter().enumerate() {
        for (y, year) in l.years.iter().enumerate() {
            let cells = stat_cells(s, r * ny + y, &table[r * ny + y]);
            if r < l.n_main {
                ens.push_str(&format!(
                    "{sc},{},{},{year},{cells}\n",
                    field(var),
                    field(unit)
                ));
            } else {
                let action = var.strip_prefix("Attribution|").unwrap_or(var);
                attr.push_str(&format!("{sc},{},{year},{cells}\n", field(action)));
            }
        }
    }
    let mut par = format!("scenario,parameter,unit,{STAT_HEADER}\n");
    for (j, (id, unit)) in l.params.iter().enumerate() {
        let cells = stat_cells(s, l.rows.len() * ny + j, &table[l.rows.len() * ny + j]);
        par.push_str(&format!("{sc},{},{},{cells}\n", field(id), field(unit)));
    }
    let mut tg = String::from("scenario,target,year,samples,met,probability\n");
    for (t, (id, year)) in l.targets.iter().enumerate() {
        tg.push_str(&format!(
            "{sc},{},{year},{},{},{}\n",
            field(id),
            s.samples,
            s.met[t],
            num(Some(s.probability(t)))
        ));
    }
    let mut files = vec![
        ("ensemble.csv".to_string(), ens),
        ("parameters.csv".to_string(), par),
        ("targets.csv".to_string(), tg),
    ];
    if l.rows.len() > l.n_main {
        files.push(("attribution.csv".to_string(), attr));
    }
    files
}

/// Bins of the target-year histograms.
const HISTOGRAM_BINS: usize = 40;

/// The fan chart of total emissions and a histogram of them in each target year (or the
/// end year), drawn by `lcs-report` from the summary's percentiles and sketches.
pub fn charts(l: &Layout, s: &Summary) -> Result<Vec<lcs_report::Chart>, Failure> {
    let message = |e: lcs_report::ReportError| Failure::Message(e.to_string());
    let ny = l.years.len();
    let variable = lcs_engine::var::EMISSIONS_CO2E;
    let Some(r) = l.rows.iter().position(|(v, _)| v == variable) else {
        return Ok(Vec::new());
    };
    let unit = l.rows[r].1.clone();
    let notes_for = |year: Option<i32>| -> Vec<String> {
        l.targets
            .iter()
            .enumerate()
            .filter(|(_, (_, y))| year.is_none_or(|x| x == *y))
            .map(|(t, (id, y))| {
                format!(
                    "Target {id} ({y}): met in {:.1} % of samples.",
                    100.0 * s.probability(t)
                )
            })
            .collect()
    };
    let fan = lcs_report::ensemble::Fan {
        scenario: l.scenario.clone(),
        variable: variable.to_string(),
        unit: unit.clone(),
        years: l.years.clone(),
        percentiles: (0..ny).map(|k| s.percentiles(r * ny + k)).collect(),
        samples: s.samples,
        notes: notes_for(None),
    };
    let dpi = lcs_report::charts::DEFAULT_DPI;
    let mut out = vec![
        lcs_report::charts::render(&lcs_report::ensemble::fan_chart(&fan), dpi).map_err(message)?,
    ];
    let mut years: Vec<i32> = l.targets.iter().map(|t| t.1).collect();
    if years.is_empty() {
        years.extend(l.years.last().copied());
    }
    years.sort_unstable();
    years.dedup();
    for y in years {
        let Some(k) = l.years.iter().position(|x| *x == y) else {
            continue;
        };
        let i = r * ny + k;
        if s.moments.count[i] == 0 {
            continue;
        }
        let edges =
            lcs_report::ensemble::bin_edges(s.moments.min[i], s.moments.max[i], HISTOGRAM_BINS);
        let counts = s.sketch.histogram(i, &edges);
        let h = lcs_report::ensemble::histogram_chart(
            &l.scenario,
            variable,
            &unit,
            y,
            edges,
            counts,
            s.percentiles(i),
            notes_for(Some(y)),
        );
        out.push(lcs_report::charts::render(&h, dpi).map_err(message)?);
    }
    Ok(out)
}

/// Writes the outputs of a whole ensemble into `out` (the CSV files, and the fan chart
/// and target-year histograms under `charts/`), then its manifest, and prints a short
/// summary.
pub fn write_outputs(out: &Path, l: &Layout, s: &Summary, info: &RunInfo) -> Result<(), Failure> {
    let charts = charts(l, s)?;
    let mut written = Vec::new();
    for (name, text) in outputs(l, s) {
        let path = out.join(&name);
        write_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    for c in &charts {
        let dir = out.join("charts");
        let svg = dir.join(format!("{}.svg", c.name));
        write_atomic(&svg, c.svg.as_bytes())?;
        let png = dir.join(format!("{}.png", c.name));
        write_atomic(&png, &c.png)?;
        written.push(svg);
        written.push(png);
    }
    super::manifest(out, info, &written)?;
    // Summary: total emissions at the target years (or the end year), then targets.
    let ny = l.years.len();
    let mut years: Vec<i32> = l.targets.iter().map(|t| t.1).collect();
    years.push(*l.years.last().unwrap_or(&0));
    years.sort_unstable();
    years.dedup();
    if let Some(r) = l.rows.iter().position(|(v, _)| v == "Emissions|CO2e") {
        let header: Vec<String> = ["Emissions|CO2e (kt)", "mean", "P5", "P50", "P95"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let body: Vec<Vec<String>> = years
            .iter()
            .filter_map(|y| l.years.iter().position(|x| x == y).map(|k| (y, k)))
            .map(|(y, k)| {
                let i = r * ny + k;
                let p = s.percentiles(i);
                let f = |v: Option<f64>| v.map(super::fmt_num).unwrap_or_default();
                vec![
                    y.to_string(),
                    f(Some(s.moments.mean[i])),
                    f(p[0]),
                    f(p[2]),
                    f(p[4]),
                ]
            })
            .collect();
        println!("{}", super::table(&header, &body));
    }
    for (t, (id, year)) in l.targets.iter().enumerate() {
        println!(
            "target {id} ({year}): met in {} of {} samples (p = {:.4})",
            super::fmt_count(s.met[t] as usize),
            super::fmt_count(s.samples as usize),
            s.probability(t)
        );
    }
    println!("wrote {}", out.display());
    Ok(())
}

pub fn run(
    file: &Path,
    samples: u64,
    seed: u64,
    out: &Path,
    shard: Option<&str>,
    shapley: bool,
) -> Result<(), Failure> {
    let (loader, s) = load_uncertain(file)?;
    let c = compile(&s)?;
    let model = ScenarioModel::new(&s, &c, shapley)?;
    let mut info = run_info("ensemble", OutKind::Dir, &loader, &[&s]);
    info.seed = Some(seed);
    info.samples = Some(samples);
    let ens = ensemble_of(&s, seed, samples);
    let layout = Layout::new(&s, &model, &ens);
    let shard = match shard {
        Some(t) => Some(Shard::parse(t)?),
        None => None,
    };
    let sh = shard.unwrap_or_else(Shard::whole);
    let blocks = sh.blocks(samples);
    let n = ((blocks.end * lcs_uncertainty::BLOCK).min(samples))
        .saturating_sub(blocks.start * lcs_uncertainty::BLOCK);
    let pb = progress(n, &format!("ensemble {}", s.id));
    let partial = with_control(&pb, |ctl| {
        run_ensemble(&model, &ens, sh, shard.is_some(), ctl)
    })
    .map_err(|e| failure(e, &layout.params, &loader, &s))?;
    match shard {
        None => {
            let summary = Summary::combine(vec![partial])
                .map_err(|e| failure(e, &layout.params, &loader, &s))?;
            write_outputs(out, &layout, &summary, &info)?;
            // What the target probabilities assume about dependence (docs/UNCERTAINTY.md).
            println!(
                "assumptions: {}",
                lcs_uncertainty::engine::correlation_assumptions(&s)
            );
            Ok(())
        }
        Some(sh) => {
            let dir = write_shard(out, &layout, &partial, &info)?;
            println!(
                "shard {}/{}: samples {}..{} of {samples}; wrote {}",
                sh.index + 1,
                sh.count,
                blocks.start * lcs_uncertainty::BLOCK,
                (blocks.end * lcs_uncertainty::BLOCK).min(samples),
                dir.display()
            );
            Ok(())
        }
    }
}

// ---- shards ----------------------------------------------------------------------------

const FORMAT: &str = "lcs-ensemble-shard 1";

/// The checksum file of a shard folder: `<sha256>  <file>` per line.
const CHECKSUMS: &str = "SHA256SUMS";

/// The files of a shard folder: five Parquet tables, `meta.parquet`, then the checksums.
pub const SHARD_FILES: [&str; 7] = [
    "rows.parquet",
    "parameters.parquet",
    "targets.parquet",
    "moments.parquet",
    "sketch.parquet",
    "meta.parquet",
    CHECKSUMS,
];

/// The largest shard file `lcs merge` reads (1 GiB).
const MAX_SHARD_FILE: u64 = 1 << 30;

/// Reads a shard's checksum file and every file it lists, checking each SHA-256: the
/// bytes of each Parquet file, by name.
fn verified_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let bad = |m: String| Failure::Message(m);
    let read = |p: &Path| -> Result<Vec<u8>, Failure> {
        let meta =
            std::fs::metadata(p).map_err(|e| bad(format!("cannot read `{}`: {e}", p.display())))?;
        if !meta.is_file() || meta.len() > MAX_SHARD_FILE {
            return Err(bad(format!(
                "`{}` is not a regular file of at most 1 GiB",
                p.display()
            )));
        }
        std::fs::read(p).map_err(|e| bad(format!("cannot read `{}`: {e}", p.display())))
    };
    let sums_path = dir.join(CHECKSUMS);
    let sums = read(&sums_path)?;
    let sums = String::from_utf8(sums).map_err(|_| {
        bad(format!(
            "`{}` is corrupt (not text); write the shard again",
            sums_path.display()
        ))
    })?;
    let mut out = Vec::new();
    for f in SHARD_FILES.iter().filter(|f| **f != CHECKSUMS) {
        let want = sums
            .lines()
            .find_map(|l| l.strip_suffix(f).and_then(|h| h.strip_suffix("  ")))
            .ok_or_else(|| {
                bad(format!(
                    "`{}` has no checksum of `{f}`; the shard is corrupt or was written by an older lcs",
                    sums_path.display()
                ))
            })?;
        let p = dir.join(f);
        let bytes = read(&p)?;
        if sha256_hex(&bytes) != want {
            return Err(bad(format!(
                "`{}` is corrupt: its SHA-256 differs from the one in `{CHECKSUMS}`; write the shard again",
                p.display()
            )));
        }
        out.push((f.to_string(), bytes));
    }
    Ok(out)
}

fn str_col(v: impl IntoIterator<Item = String>) -> Column {
    Column::Str(v.into_iter().collect())
}

/// Writes a shard as Parquet tables in `out/shard-K-of-N/` (built in a temporary folder and
/// renamed, so a shard folder is either complete or absent).
pub fn write_shard(
    out: &Path,
    l: &Layout,
    p: &Partial,
    info: &RunInfo,
) -> Result<PathBuf, Failure> {
    let name = format!("shard-{:05}-of-{:05}", p.shard.index + 1, p.shard.count);
    let dir = out.join(&name);
    let fill = |tmp: &Path| -> Result<Vec<PathBuf>, Failure> {
        let put = |file: &str, cols: Columns| write_parquet(&tmp.join(file), &cols);
        let meta = [
            ("format", FORMAT.to_string()),
            ("scenario", l.scenario.clone()),
            ("seed", p.seed.to_string()),
            ("samples", p.samples.to_string()),
            ("shard", (p.shard.index + 1).to_string()),
            ("shards", p.shard.count.to_string()),
            ("n_main", l.n_main.to_string()),
            ("n_series", p.n_series.to_string()),
            ("fingerprint", format!("{:016x}", l.fingerprint)),
            (
                "years",
                l.years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ];
        put(
            "rows.parquet",
            vec![
                (
                    "variable".into(),
                    str_col(l.rows.iter().map(|r| r.0.clone())),
                ),
                ("unit".into(), str_col(l.rows.iter().map(|r| r.1.clone()))),
            ],
        )?;
        put(
            "parameters.parquet",
            vec![
                ("id".into(), str_col(l.params.iter().map(|r| r.0.clone()))),
                ("unit".into(), str_col(l.params.iter().map(|r| r.1.clone()))),
            ],
        )?;
        put(
            "targets.parquet",
            vec![
                ("id".into(), str_col(l.targets.iter().map(|t| t.0.clone()))),
                (
                    "year".into(),
                    Column::I64(l.targets.iter().map(|t| t.1 as i64).collect()),
                ),
                ("met".into(), Column::U64(p.met.clone())),
            ],
        )?;
        let PartialMoments::Blocks(blocks) = &p.moments else {
            return Err(Failure::Message("a shard keeps its blocks".into()));
        };
        let ns = p.n_series;
        let total = blocks.len() * ns;
        let (mut b, mut si, mut cnt) = (
            Vec::with_capacity(total),
            Vec::with_capacity(total),
            Vec::with_capacity(total),
        );
        let (mut mean, mut m2, mut mn, mut mx) = (
            Vec::with_capacity(total),
            Vec::with_capacity(total),
            Vec::with_capacity(total),
            Vec::with_capacity(total),
        );
        for (block, m) in blocks {
            for i in 0..ns {
                b.push(*block);
                si.push(i as u64);
                cnt.push(m.count[i]);
                mean.push(m.mean[i]);
                m2.push(m.m2[i]);
                mn.push(m.min[i]);
                mx.push(m.max[i]);
            }
        }
        put(
            "moments.parquet",
            vec![
                ("block".into(), Column::U64(b)),
                ("series".into(), Column::U64(si)),
                ("count".into(), Column::U64(cnt)),
                ("mean".into(), Column::F64(mean)),
                ("m2".into(), Column::F64(m2)),
                ("min".into(), Column::F64(mn)),
                ("max".into(), Column::F64(mx)),
            ],
        )?;
        let (mut series, mut sign, mut key, mut count) = (vec![], vec![], vec![], vec![]);
        for i in 0..ns {
            for (k, c) in p.sketch.neg[i].entries() {
                series.push(i as u64);
                sign.push(-1i64);
                key.push(k as u64);
                count.push(c);
            }
            if p.sketch.zero[i] > 0 {
                series.push(i as u64);
                sign.push(0);
                key.push(0);
                count.push(p.sketch.zero[i]);
            }
            for (k, c) in p.sketch.pos[i].entries() {
                series.push(i as u64);
                sign.push(1);
                key.push(k as u64);
                count.push(c);
            }
        }
        put(
            "sketch.parquet",
            vec![
                ("series".into(), Column::U64(series)),
                ("sign".into(), Column::I64(sign)),
                ("key".into(), Column::U64(key)),
                ("count".into(), Column::U64(count)),
            ],
        )?;
        put(
            "meta.parquet",
            vec![
                ("key".into(), str_col(meta.iter().map(|m| m.0.to_string()))),
                ("value".into(), str_col(meta.iter().map(|m| m.1.clone()))),
            ],
        )?;
        // Written last: the SHA-256 of every file, checked by `lcs merge` before a byte of
        // Parquet is decoded (a flipped bit is an error, never a panic or other numbers).
        let mut sums = String::new();
        for f in SHARD_FILES.iter().filter(|f| **f != CHECKSUMS) {
            let bytes = std::fs::read(tmp.join(f)).map_err(|e| {
                Failure::Message(format!("cannot read `{}`: {e}", tmp.join(f).display()))
            })?;
            sums.push_str(&format!("{}  {f}\n", sha256_hex(&bytes)));
        }
        write_atomic(&tmp.join(CHECKSUMS), sums.as_bytes())?;
        Ok(SHARD_FILES.iter().map(|f| tmp.join(f)).collect())
    };
    lcs_report::output::replace_dir_with_manifest(&dir, info, "..", &format!("{name}/"), fill)?;
    Ok(dir)
}

fn col<'a>(cols: &'a Columns, name: &str, file: &Path) -> Result<&'a Column, Failure> {
    cols.iter()
        .find(|(n, _)| n == name)
        .map(|c| &c.1)
        .ok_or_else(|| Failure::Message(format!("`{}` has no column `{name}`", file.display())))
}

macro_rules! typed {
    ($cols:expr, $name:expr, $file:expr, $variant:ident) => {
        match col($cols, $name, $file)? {
            Column::$variant(v) => v,
            _ => {
                return Err(Failure::Message(format!(
                    "`{}`: column `{}` has the wrong type",
                    $file.display(),
                    $name
                )))
            }
        }
    };
}

/// Reads a shard folder written by [`write_shard`]: every file's checksum first, then each
/// field read with its type and range checked, so a corrupt shard is an error naming the
/// file, never a panic and never different statistics.
pub fn read_shard(dir: &Path) -> Result<(Layout, Partial), Failure> {
    let files = verified_files(dir)?;
    let read = |f: &str| -> Result<(PathBuf, Columns), Failure> {
        let p = dir.join(f);
        let bytes = &files
            .iter()
            .find(|(n, _)| n == f)
            .expect("every shard file was read")
            .1;
        let c = parquet_columns(bytes)
            .map_err(|e| Failure::Message(format!("cannot read `{}`: {e}", p.display())))?;
        Ok((p, c))
    };
    let bad = |p: &Path, what: String| Failure::Message(format!("`{}`: {what}", p.display()));
    let (mp, meta) = read("meta.parquet")?;
    let keys = typed!(&meta, "key", &mp, Str);
    let values = typed!(&meta, "value", &mp, Str);
    if keys.len() != values.len() {
        return Err(bad(&mp, "keys and values differ in length".into()));
    }
    let get = |k: &str| -> Result<String, Failure> {
        keys.iter()
            .position(|x| x == k)
            .map(|i| values[i].clone())
            .ok_or_else(|| Failure::Message(format!("`{}` has no `{k}`", mp.display())))
    };
    if get("format")? != FORMAT {
        return Err(Failure::Message(format!(
            "`{}` is not an lcs ensemble shard",
            dir.display()
        )));
    }
    let int = |k: &str| -> Result<u64, Failure> {
        get(k)?
            .parse()
            .map_err(|_| Failure::Message(format!("`{}`: `{k}` is not a number", mp.display())))
    };
    let (rp, rows) = read("rows.parquet")?;
    let (pp, params) = read("parameters.parquet")?;
    let (tp, targets) = read("targets.parquet")?;
    let zip2 = |p: &Path, a: &Vec<String>, b: &Vec<String>| {
        if a.len() != b.len() {
            return Err(bad(p, "columns differ in length".into()));
        }
        Ok(a.iter().cloned().zip(b.iter().cloned()).collect::<Vec<_>>())
    };
    let years = get("years")?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|y| {
            y.parse::<i32>()
                .map_err(|_| bad(&mp, format!("year `{y}` is not a year")))
        })
        .collect::<Result<Vec<i32>, _>>()?;
    let target_ids = typed!(&targets, "id", &tp, Str);
    let target_years = typed!(&targets, "year", &tp, I64);
    if target_ids.len() != target_years.len() {
        return Err(bad(&tp, "columns differ in length".into()));
    }
    let fingerprint = get("fingerprint")?;
    let layout = Layout {
        scenario: get("scenario")?,
        years,
        rows: zip2(
            &rp,
            typed!(&rows, "variable", &rp, Str),
            typed!(&rows, "unit", &rp, Str),
        )?,
        n_main: int("n_main")? as usize,
        params: zip2(
            &pp,
            typed!(&params, "id", &pp, Str),
            typed!(&params, "unit", &pp, Str),
        )?,
        targets: target_ids
            .iter()
            .cloned()
            .zip(target_years.iter())
            .map(|(id, y)| {
                i32::try_from(*y)
                    .map(|y| (id, y))
                    .map_err(|_| bad(&tp, format!("target year {y} is out of range")))
            })
            .collect::<Result<_, _>>()?,
        fingerprint: u64::from_str_radix(&fingerprint, 16).map_err(|_| {
            bad(
                &mp,
                format!("fingerprint `{fingerprint}` is not hexadecimal"),
            )
        })?,
    };
    if layout.n_main > layout.rows.len() {
        return Err(bad(&mp, "`n_main` exceeds the rows".into()));
    }
    let met = typed!(&targets, "met", &tp, U64).clone();
    if met.len() != layout.targets.len() {
        return Err(bad(&tp, "columns differ in length".into()));
    }
    let ns = int("n_series")? as usize;
    let want_ns = layout.rows.len() * layout.years.len() + layout.params.len();
    if ns != want_ns {
        return Err(bad(
            &mp,
            format!("`n_series` is {ns}, but the rows, years and parameters make {want_ns}"),
        ));
    }
    let samples = int("samples")?;
    if met.iter().any(|m| *m > samples) {
        return Err(bad(
            &tp,
            "a target is met in more samples than were drawn".into(),
        ));
    }
    let shard = Shard::parse(&format!("{}/{}", int("shard")?, int("shards")?))
        .map_err(|e| bad(&mp, e.to_string()))?;
    let (mop, mo) = read("moments.parquet")?;
    let block = typed!(&mo, "block", &mop, U64);
    let series = typed!(&mo, "series", &mop, U64);
    let count = typed!(&mo, "count", &mop, U64);
    let mean = typed!(&mo, "mean", &mop, F64);
    let m2 = typed!(&mo, "m2", &mop, F64);
    let mn = typed!(&mo, "min", &mop, F64);
    let mx = typed!(&mo, "max", &mop, F64);
    let n = block.len();
    if [
        series.len(),
        count.len(),
        mean.len(),
        m2.len(),
        mn.len(),
        mx.len(),
    ]
    .iter()
    .any(|l| *l != n)
    {
        return Err(bad(&mop, "columns differ in length".into()));
    }
    let mut blocks: Vec<(u64, Moments)> = Vec::new();
    for k in 0..n {
        match blocks.last() {
            Some((b, _)) if *b == block[k] => {}
            Some((b, _)) if *b > block[k] => {
                return Err(bad(&mop, "blocks are out of order".into()))
            }
            _ => blocks.push((block[k], Moments::new(ns))),
        }
        let m = &mut blocks.last_mut().expect("pushed").1;
        let i = usize::try_from(series[k]).unwrap_or(usize::MAX);
        if i >= ns {
            return Err(bad(&mop, format!("series {} out of range", series[k])));
        }
        if count[k] > lcs_uncertainty::BLOCK {
            return Err(bad(&mop, format!("count {} exceeds a block", count[k])));
        }
        m.count[i] = count[k];
        m.mean[i] = mean[k];
        m.m2[i] = m2[k];
        m.min[i] = mn[k];
        m.max[i] = mx[k];
    }
    let (sp, sk) = read("sketch.parquet")?;
    let mut sketch = Sketch::new(ns);
    let ss = typed!(&sk, "series", &sp, U64);
    let sign = typed!(&sk, "sign", &sp, I64);
    let key = typed!(&sk, "key", &sp, U64);
    let cnt = typed!(&sk, "count", &sp, U64);
    if [sign.len(), key.len(), cnt.len()]
        .iter()
        .any(|l| *l != ss.len())
    {
        return Err(bad(&sp, "columns differ in length".into()));
    }
    let mut per_series = vec![0u64; ns];
    for k in 0..ss.len() {
        let i = usize::try_from(ss[k]).unwrap_or(usize::MAX);
        if i >= ns {
            return Err(bad(&sp, format!("series {} out of range", ss[k])));
        }
        let sg = match sign[k] {
            -1 => -1i8,
            0 => 0,
            1 => 1,
            other => return Err(bad(&sp, format!("sign {other} is not -1, 0 or 1"))),
        };
        let kk =
            u32::try_from(key[k]).map_err(|_| bad(&sp, format!("key {} out of range", key[k])))?;
        per_series[i] = per_series[i].saturating_add(cnt[k]);
        if per_series[i] > samples {
            return Err(bad(
                &sp,
                "a series counts more samples than were drawn".into(),
            ));
        }
        sketch.add_raw(i, sg, kk, cnt[k]);
    }
    let partial = Partial {
        samples,
        seed: int("seed")?,
        shard,
        n_series: ns,
        moments: PartialMoments::Blocks(blocks),
        sketch,
        met,
    };
    Ok((layout, partial))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_progress_rate_reads_like_a_count() {
        assert_eq!(super::rate(1618.9551), "1,619/s");
        assert_eq!(super::rate(152_000.4), "152,000/s");
        assert_eq!(super::rate(3.25), "3.2/s");
        assert_eq!(super::rate(f64::NAN), "-/s");
    }
}
