//! Regions side by side (issue 12): when a report holds scenarios of several models, a
//! comparison on the same axes: emissions per person and per unit of GDP (GDP in one
//! currency at market and at PPP rates, both shown, with their price year), sector shares,
//! final energy by fuel, electricity intensity, waste per person, and the change against
//! each region's own base year. Everything is read from the engine's rows; the only
//! arithmetic is the currency conversion (lcs-econ) and ratios of rows.
//!
//! Conversion (lcs-econ): each model's money is taken at the prices of its base year `p1`
//! (docs/scenarios/kitakyushu.md states it for both bundled regions) and expressed at the
//! prices of [`PRICE_YEAR`]:
//!
//! ```text
//! market:  GDP_USD  = GDP × I_c(p2) / I_c(p1) × X_USD(p2) / X_c(p2)   (Tables::factor)
//! PPP:     GDP_intl = GDP × I_c(p2) / I_c(p1) / PPP_c(p2)             (Parities::factor)
//! ```
//!
//! A GDP driver whose currency has no rate, index or parity for these years is an error
//! naming the currency and year: never a silent 1:1.
//!
//! Which drivers: the population is the `report.intensity` driver in `person`, GDP the one in
//! a currency (engine rows `Emissions Intensity|<driver>` and `Drivers|<driver>`).

use crate::charts::{self, line_style, palette, render, Bars, Chart, Line, Plot, Rgb};
use crate::run::ScenarioRun;
use crate::tables::{Table, TableBuilder};
use crate::{ReportError, Section};
use lcs_econ::{Basis, Parities, Tables};
use lcs_engine::var;
use lcs_units::{Dimension, UnitRegistry, CURRENCIES};

/// The currency of the comparison (market rates); PPP values are in international dollars.
pub const CURRENCY: &str = "USD";
/// The price year of the comparison.
pub const PRICE_YEAR: i32 = 2015;

/// Whether the runs span more than one region.
pub fn several(runs: &[ScenarioRun]) -> bool {
    runs.iter().any(|r| r.region != runs[0].region)
}

/// The runs with ids qualified by region (`iskandar.bau`), for the tables and charts of a
/// report that spans several regions (plan tables have a scenario column, no region column;
/// chart files are named by scenario).
pub fn labelled(runs: &[ScenarioRun]) -> Vec<ScenarioRun> {
    runs.iter()
        .map(|r| {
            let mut r = r.clone();
            r.id = format!("{}.{}", r.region, r.id);
            r
        })
        .collect()
}

/// A run's GDP driver and its conversion to the comparison's bases.
#[derive(Clone, Debug)]
struct Money {
    driver: String,
    unit: String,
    currency: String,
    /// Base units of the currency per declared unit (1e6 for `MYR million`).
    to_base: f64,
    price_year: i32,
    /// Factor from the currency at `price_year` prices to USD at PRICE_YEAR prices.
    market: f64,
    /// Factor to international dollars at PRICE_YEAR prices.
    ppp: f64,
    /// Stated rates: units per USD, per international $, price index ratio.
    per_usd: f64,
    per_intl: f64,
    deflator: f64,
}

fn currency_of(dim: &Dimension) -> Option<&'static str> {
    CURRENCIES
        .iter()
        .copied()
        .find(|c| *dim == Dimension::base(c))
}

/// The drivers of a run's intensity rows: (population driver, GDP driver with its money).
fn drivers(r: &ScenarioRun) -> Result<(Option<String>, Option<Money>), ReportError> {
    let units = UnitRegistry::builtin();
    let mut population = None;
    let mut money = None;
    for (d, unit) in r.intensities() {
        let Some(per) = unit.strip_prefix("t CO2e/") else {
            continue;
        };
        let Ok(u) = units.parse(per) else { continue };
        if u.dim == Dimension::base("person") && population.is_none() {
            population = Some(d.clone());
        }
        if let (Some(c), None) = (currency_of(&u.dim), &money) {
            money = Some(convert(&r.region, &d, per, c, u.factor, r.years[0])?);
        }
    }
    Ok((population, money))
}

fn convert(
    region: &str,
    driver: &str,
    unit: &str,
    currency: &str,
    to_base: f64,
    price_year: i32,
) -> Result<Money, ReportError> {
    let (tables, parities) = (Tables::builtin(), Parities::builtin());
    let from = Basis::new(currency, price_year);
    let to = Basis::new(CURRENCY, PRICE_YEAR);
    let fail = |message: String| {
        ReportError::Conversion {
        region: region.to_string(),
        what: format!(
            "`{driver}` is in {from}, the comparison in {to} and international $ ({PRICE_YEAR} prices)"
        ),
        message,
    }
    };
    let market = tables.factor(&from, &to).map_err(|e| fail(e.to_string()))?;
    let ppp = parities
        .factor(tables, &from, PRICE_YEAR)
        .map_err(|e| fail(e.to_string()))?;
    let deflator = tables
        .factor(&from, &Basis::new(currency, PRICE_YEAR))
        .map_err(|e| fail(e.to_string()))?;
    Ok(Money {
        driver: driver.to_string(),
        unit: unit.to_string(),
        currency: currency.to_string(),
        to_base,
        price_year,
        market,
        ppp,
        per_usd: tables
            .per_usd(currency, PRICE_YEAR)
            .map_err(|e| fail(e.to_string()))?,
        per_intl: parities
            .per_intl_usd(currency, PRICE_YEAR)
            .map_err(|e| fail(e.to_string()))?,
        deflator,
    })
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => Some(a / b),
        _ => None,
    }
}

fn pct(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    ratio(a, b).map(|x| 100.0 * (x - 1.0))
}

/// One run's comparison quantities in a year.
struct Values {
    population: Option<f64>,
    emissions: Option<f64>,
    gdp_local: Option<f64>,
    gdp_market_musd: Option<f64>,
    gdp_ppp_mintl: Option<f64>,
    final_energy_tj: Option<f64>,
    electricity_mwh: Option<f64>,
    waste_t: Option<f64>,
}

fn values(r: &ScenarioRun, pop: &Option<String>, money: &Option<Money>, y: i32) -> Values {
    let population = pop
        .as_ref()
        .and_then(|d| r.value(&format!("Drivers|{d}"), y));
    let gdp_local = money
        .as_ref()
        .and_then(|m| r.value(&format!("Drivers|{}", m.driver), y));
    let base = |f: fn(&Money) -> f64| {
        money
            .as_ref()
            .zip(gdp_local)
            .map(|(m, g)| g * m.to_base * f(m) / 1e6)
    };
    Values {
        population,
        emissions: r.value(var::EMISSIONS_CO2E, y),
        gdp_local,
        gdp_market_musd: base(|m| m.market),
        gdp_ppp_mintl: base(|m| m.ppp),
        final_energy_tj: r.value(var::FINAL_ENERGY, y),
        electricity_mwh: r.value(var::ELECTRICITY_DEMAND, y),
        waste_t: r.value(var::WASTE_GENERATED, y),
    }
}

/// Per unit: `a × scale / b`.
fn per(a: Option<f64>, b: Option<f64>, scale: f64) -> Option<f64> {
    ratio(a, b).map(|x| x * scale)
}

/// The comparison tables: `regions` (headline quantities per scenario and milestone year),
/// `region_rates` (the stated conversion of each region's GDP), `region_sectors` and
/// `region_fuels` (shares).
pub fn tables(runs: &[ScenarioRun], years: &[i32]) -> Result<Vec<Table>, ReportError> {
    let basis = runs
        .iter()
        .map(drivers)
        .collect::<Result<Vec<_>, ReportError>>()?;
    let mut out = Vec::new();
    // Headline table.
    let mut b = TableBuilder::new();
    let cs = b.text("scenario");
    let cr = b.text("region");
    let cy = b.integer("year");
    let names = [
        "population [person]".to_string(),
        "emissions [kt CO2e/yr]".to_string(),
        "per person [t CO2e/person]".to_string(),
        "GDP [model unit]".to_string(),
        format!("GDP [{CURRENCY} million, {PRICE_YEAR} prices, market]"),
        format!("GDP [international $ million, {PRICE_YEAR} prices, PPP]"),
        format!("per GDP, market [t CO2e/{CURRENCY} million]"),
        "per GDP, PPP [t CO2e/international $ million]".to_string(),
        "final energy per person [GJ/person]".to_string(),
        format!("final energy per GDP, market [TJ/{CURRENCY} million]"),
        "electricity per person [MWh/person]".to_string(),
        format!("electricity per GDP, market [MWh/{CURRENCY} million]"),
        "waste per person [kg/person/day]".to_string(),
        "emissions vs own base year [%]".to_string(),
        "per person vs own base year [%]".to_string(),
        "per GDP vs own base year [%]".to_string(),
        "final energy [TJ/yr]".to_string(),
        "electricity demand [MWh/yr]".to_string(),
    ];
    let mut cols = Vec::new();
    let mut cu = 0;
    for (i, n) in names.iter().enumerate() {
        cols.push(b.number(n));
        if i == 3 {
            cu = b.text("GDP unit");
        }
    }
    for (r, (pop, money)) in runs.iter().zip(&basis) {
        let y0 = r.years[0];
        let v0 = values(r, pop, money, y0);
        for &y in years {
            if r.year_index(y).is_none() {
                continue;
            }
            let v = values(r, pop, money, y);
            b.push_text(cs, &r.id);
            b.push_text(cr, &r.region);
            b.push_integer(cy, Some(y));
            b.push_text(
                cu,
                money.as_ref().map(|m| m.unit.clone()).unwrap_or_default(),
            );
            let pp = |v: &Values| per(v.emissions, v.population, 1e3);
            let pg = |v: &Values| per(v.emissions, v.gdp_market_musd, 1e3);
            let row = [
                v.population,
                v.emissions,
                pp(&v),
                v.gdp_local,
                v.gdp_market_musd,
                v.gdp_ppp_mintl,
                pg(&v),
                per(v.emissions, v.gdp_ppp_mintl, 1e3),
                per(v.final_energy_tj, v.population, 1e3),
                per(v.final_energy_tj, v.gdp_market_musd, 1.0),
                per(v.electricity_mwh, v.population, 1.0),
                per(v.electricity_mwh, v.gdp_market_musd, 1.0),
                per(v.waste_t, v.population, 1e3 / 365.0),
                pct(v.emissions, v0.emissions),
                pct(pp(&v), pp(&v0)),
                pct(pg(&v), pg(&v0)),
                v.final_energy_tj,
                v.electricity_mwh,
            ];
            for (c, x) in cols.iter().zip(row) {
                b.push_number(*c, x.filter(|x| x.is_finite()));
            }
        }
    }
    out.push(b.finish(
        "regions",
        "Regions side by side",
        &format!("Each region's GDP at the prices of its model's base year, converted to {CURRENCY} at {PRICE_YEAR} prices by market exchange rate and to international $ by purchasing power parity (the rates are in the next table). Changes are against each region's own base year."),
    )?);
    // The stated conversion.
    let mut b = TableBuilder::new();
    let c: Vec<usize> = ["scenario", "region", "GDP driver", "unit", "currency"]
        .iter()
        .map(|n| b.text(n))
        .collect();
    let cpy = b.integer("GDP price year");
    let nums: Vec<usize> = [
        format!("market rate {PRICE_YEAR} [per {CURRENCY}]"),
        format!("PPP {PRICE_YEAR} [per international $]"),
        "price index ratio [1]".to_string(),
        format!("factor to {CURRENCY}, market [1]"),
        "factor to international $, PPP [1]".to_string(),
    ]
    .iter()
    .map(|n| b.number(n))
    .collect();
    for (r, (_, money)) in runs.iter().zip(&basis) {
        let Some(m) = money else { continue };
        for (col, v) in c.iter().zip([
            r.id.clone(),
            r.region.clone(),
            m.driver.clone(),
            m.unit.clone(),
            m.currency.clone(),
        ]) {
            b.push_text(*col, v);
        }
        b.push_integer(cpy, Some(m.price_year));
        for (col, v) in nums
            .iter()
            .zip([m.per_usd, m.per_intl, m.deflator, m.market, m.ppp])
        {
            b.push_number(*col, Some(v));
        }
    }
    out.push(b.finish(
        "region_rates",
        "GDP conversion of each region",
        &format!("Market rate: annual average, units per {CURRENCY} in {PRICE_YEAR} (data/economics/exchange_rates.csv). PPP: GDP conversion factor, units per international $ in {PRICE_YEAR} (data/economics/ppp.csv). Price index ratio: the currency's prices in {PRICE_YEAR} over the GDP's price year (data/economics/price_index.csv). Factors are per unit of the currency."),
    )?);
    out.push(shares_table(
        runs,
        years,
        (
            "region_sectors",
            "Emissions by sector, shares of each region's total",
        ),
        ("sector", "emissions [kt CO2e/yr]"),
        |r| r.sectors(),
        |s| format!("{}|{s}", var::EMISSIONS_CO2E),
        var::EMISSIONS_CO2E,
    )?);
    out.push(shares_table(
        runs,
        years,
        (
            "region_fuels",
            "Final energy by fuel, shares of each region's total",
        ),
        ("fuel", "final energy [TJ/yr]"),
        |r| r.fuels(),
        |f| format!("{}|{f}", var::FINAL_ENERGY),
        var::FINAL_ENERGY,
    )?);
    Ok(out)
}

fn shares_table(
    runs: &[ScenarioRun],
    years: &[i32],
    (name, title): (&str, &str),
    (item, value): (&str, &str),
    items: impl Fn(&ScenarioRun) -> Vec<String>,
    variable: impl Fn(&str) -> String,
    total: &str,
) -> Result<Table, ReportError> {
    let mut b = TableBuilder::new();
    let cs = b.text("scenario");
    let cr = b.text("region");
    let cy = b.integer("year");
    let ci = b.text(item);
    let cv = b.number(value);
    let csh = b.number("share [%]");
    for r in runs {
        for &y in years {
            if r.year_index(y).is_none() {
                continue;
            }
            let t = r.value(total, y);
            for i in items(r) {
                let x = r.value(&variable(&i), y);
                b.push_text(cs, &r.id);
                b.push_text(cr, &r.region);
                b.push_integer(cy, Some(y));
                b.push_text(ci, i);
                b.push_number(cv, x);
                b.push_number(csh, per(x, t, 100.0).filter(|x| x.is_finite()));
            }
        }
    }
    b.finish(
        name,
        title,
        "Shares in % of the region's total in the year; sectors and fuels as each model names them.",
    )
}

/// The comparison charts: per person, per GDP (market and PPP) and the index against each
/// base year as lines on shared axes; sector and fuel shares as stacked columns at each
/// region's base year and a milestone year.
pub fn charts(runs: &[ScenarioRun], years: &[i32], dpi: u32) -> Result<Vec<Chart>, ReportError> {
    let basis = runs
        .iter()
        .map(drivers)
        .collect::<Result<Vec<_>, ReportError>>()?;
    let mut all_years: Vec<i32> = runs.iter().flat_map(|r| r.years.iter().copied()).collect();
    all_years.sort_unstable();
    all_years.dedup();
    type Quantity<'f> = &'f dyn Fn(&Values, &Values) -> Option<f64>;
    let line = |name: &str, title: &str, y_label: &str, f: Quantity| {
        let lines = runs
            .iter()
            .zip(&basis)
            .enumerate()
            .map(|(i, (r, (pop, money)))| {
                let v0 = values(r, pop, money, r.years[0]);
                let (color, dash, mark) = line_style(i);
                Line {
                    label: r.id.clone(),
                    color,
                    values: all_years
                        .iter()
                        .map(|y| {
                            r.year_index(*y)?;
                            f(&values(r, pop, money, *y), &v0).filter(|x| x.is_finite())
                        })
                        .collect(),
                    dash,
                    mark,
                }
            })
            .collect();
        Plot {
            name: name.into(),
            title: title.into(),
            y_label: y_label.into(),
            years: all_years.clone(),
            bands: Vec::new(),
            lines,
            markers: Vec::new(),
            y_range: None,
            legend_notes: Vec::new(),
        }
    };
    let plots = [
        line(
            "regions-per-person",
            "Emissions per person, regions side by side",
            "t CO2e per person",
            &|v, _| per(v.emissions, v.population, 1e3),
        ),
        line(
            "regions-per-gdp-market",
            &format!("Emissions per GDP ({CURRENCY}, {PRICE_YEAR} prices, market rates)"),
            &format!("t CO2e per {CURRENCY} million"),
            &|v, _| per(v.emissions, v.gdp_market_musd, 1e3),
        ),
        line(
            "regions-per-gdp-ppp",
            &format!("Emissions per GDP (international $, {PRICE_YEAR} prices, PPP)"),
            "t CO2e per international $ million",
            &|v, _| per(v.emissions, v.gdp_ppp_mintl, 1e3),
        ),
        line(
            "regions-vs-base-year",
            "Emissions against each region's base year (= 100)",
            "index",
            &|v, v0| per(v.emissions, v0.emissions, 100.0),
        ),
    ];
    let mut out = plots
        .iter()
        .map(|p| render(p, dpi))
        .collect::<Result<Vec<_>, ReportError>>()?;
    let milestone = years
        .iter()
        .copied()
        .filter(|y| *y <= 2030)
        .max()
        .or_else(|| years.last().copied());
    out.push(render(
        &share_bars(
            runs,
            milestone,
            (
                "regions-sector-shares",
                "Emissions by sector, share of each region's total",
            ),
            |r| r.sectors(),
            |s| format!("{}|{s}", var::EMISSIONS_CO2E),
            var::EMISSIONS_CO2E,
            false,
        ),
        dpi,
    )?);
    out.push(render(
        &share_bars(
            runs,
            milestone,
            (
                "regions-fuel-shares",
                "Final energy by fuel, share of each region's total",
            ),
            |r| r.fuels(),
            |f| format!("{}|{f}", var::FINAL_ENERGY),
            var::FINAL_ENERGY,
            true,
        ),
        dpi,
    )?);
    Ok(out)
}

/// A short tag per region for column labels (`ISK`, `KIT`), its full id where tags clash.
fn region_tags(runs: &[ScenarioRun]) -> Vec<(String, String)> {
    let mut regions: Vec<String> = Vec::new();
    for r in runs {
        if !regions.contains(&r.region) {
            regions.push(r.region.clone());
        }
    }
    let tag = |r: &str| r.chars().take(3).collect::<String>().to_uppercase();
    regions
        .iter()
        .map(|r| {
            let clash = regions.iter().filter(|x| tag(x) == tag(r)).count() > 1;
            (r.clone(), if clash { r.clone() } else { tag(r) })
        })
        .collect()
}

/// Stacked shares (%) per run at its base year and at `milestone`; a negative item (a sink)
/// stacks below zero.
fn share_bars(
    runs: &[ScenarioRun],
    milestone: Option<i32>,
    (name, title): (&str, &str),
    items: impl Fn(&ScenarioRun) -> Vec<String>,
    variable: impl Fn(&str) -> String,
    total: &str,
    fuels: bool,
) -> Bars {
    let tags = region_tags(runs);
    let tag_of = |region: &str| {
        tags.iter()
            .find(|t| t.0 == region)
            .map(|t| t.1.clone())
            .unwrap_or_default()
    };
    // Columns: (run, year).
    let mut columns: Vec<(usize, i32)> = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        columns.push((i, r.years[0]));
        if let Some(m) = milestone.filter(|m| *m != r.years[0] && r.year_index(*m).is_some()) {
            columns.push((i, m));
        }
    }
    let mut names: Vec<String> = Vec::new();
    for r in runs {
        for i in items(r) {
            if !names.contains(&i) {
                names.push(i);
            }
        }
    }
    let layers: Vec<(String, Rgb, Vec<f64>)> = names
        .iter()
        .enumerate()
        .map(|(k, item)| {
            let color = if fuels {
                charts::fuel_color(item, k)
            } else {
                palette(k)
            };
            let v = columns
                .iter()
                .map(|&(i, y)| {
                    let r = &runs[i];
                    per(r.value(&variable(item), y), r.value(total, y), 100.0).unwrap_or(0.0)
                })
                .collect();
            (item.clone(), color, v)
        })
        .collect();
    let categories = columns
        .iter()
        .map(|&(i, y)| {
            let r = &runs[i];
            let scenario =
                r.id.strip_prefix(&format!("{}.", r.region))
                    .unwrap_or(&r.id);
            format!("{} {scenario} {y}", tag_of(&r.region))
        })
        .collect();
    let mut notes: Vec<String> = tags.iter().map(|(r, t)| format!("{t}: {r}")).collect();
    notes.push("each column: one region's total in a year".into());
    Bars {
        name: name.into(),
        title: title.into(),
        y_label: "share of the region's total (%)".into(),
        categories,
        layers,
        totals: vec![None; columns.len()],
        legend_notes: notes,
    }
}

/// The regions section of a report: the tables and charts above.
pub fn section(runs: &[ScenarioRun], years: &[i32], dpi: u32) -> Result<Section, ReportError> {
    let mut s = Section::new("regions", "Regions side by side");
    for t in tables(runs, years)? {
        s = s.table(t);
    }
    for c in charts(runs, years, dpi)? {
        s = s.chart(c);
    }
    Ok(s)
}
