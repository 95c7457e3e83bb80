//! Assessing a checked network: resolve materials and modes, take the region's factors of
//! each year, and evaluate every term for every exchange and year; then network totals by
//! facility, material and year, the material flow balance of each facility, and the
//! economics.

use crate::tables::{Basis, Role, Tables};
use crate::terms;
use lcs_econ::Basis as MoneyBasis;
use lcs_engine::waste::{FodConstants, N_WASTE_TYPES};
use lcs_factors::{Category, WasteType};
use lcs_model::ecotown::{Network, Otherwise, Treatment};
use lcs_model::{Diagnostic, Scenario, SeriesDef};
use lcs_units::{nearest, Dimension};
use std::fmt;

/// Why a network could not be assessed.
#[derive(Debug)]
pub enum EcotownError {
    /// Problems in the network file (unknown materials or modes, a missing waste type, a
    /// ratio of the wrong unit, money that cannot be converted).
    Input(Vec<Diagnostic>),
    /// The region model's reference run (for its grid factor) could not be compiled.
    Compile(lcs_engine::CompileError),
    /// The region model's reference run failed.
    Run(lcs_engine::RunError),
}

impl fmt::Display for EcotownError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EcotownError::Input(d) => write!(f, "{} problem(s) in the network file", d.len()),
            EcotownError::Compile(e) => write!(f, "cannot compile the region model: {e}"),
            EcotownError::Run(e) => write!(
                f,
                "the region model's reference run failed in {}: {}",
                e.year, e.problem
            ),
        }
    }
}

impl std::error::Error for EcotownError {}

/// One exchange in one year; emissions in t CO2e per year, mass in t per year.
#[derive(Clone, Debug, PartialEq)]
pub struct ExchangeYear {
    /// The year.
    pub year: i32,
    /// By-product exchanged, t.
    pub mass_t: f64,
    /// Avoided virgin production.
    pub avoided_virgin: f64,
    /// Avoided disposal (the counterfactual fate's emissions in this year).
    pub avoided_disposal: f64,
    /// Processing energy, treatment at the receiver, and the fossil CO2 of a by-product burnt
    /// in place of a fuel.
    pub processing: f64,
    /// Transport.
    pub transport: f64,
    /// `avoided_virgin + avoided_disposal − processing − transport`.
    pub net_avoided: f64,
    /// The parts of `avoided_virgin`, one per substitute (in the order of `substitutes`).
    pub virgin_by_substitute: Vec<f64>,
    /// The part of `processing` that is processing energy.
    pub processing_energy: f64,
    /// The part of `processing` that is composting at the receiver.
    pub treatment: f64,
    /// The part of `processing` that is the fossil CO2 of a by-product burnt as fuel.
    pub burnt: f64,
}

/// The economics of an exchange or a network, in the network's money basis.
#[derive(Clone, Debug, PartialEq)]
pub struct Economics {
    /// Net cost by year (capex, opex, less the disposal fees and virgin purchases saved),
    /// currency units of the network's basis.
    pub cost_by_year: Vec<(i32, f64)>,
    /// Net present value of the savings, `−Σ_y cost_y (1 + r)^−(y − b)` (positive: the
    /// exchange pays for itself).
    pub npv: f64,
    /// Cost per t CO2e avoided: discounted net cost over discounted net avoided emissions;
    /// `None` when the discounted net avoided emissions are not positive.
    pub cost_per_t_avoided: Option<f64>,
}

/// One exchange's results.
#[derive(Clone, Debug, PartialEq)]
pub struct ExchangeResult {
    /// Exchange id.
    pub id: String,
    /// Source facility index.
    pub from: usize,
    /// Receiving facility index.
    pub to: usize,
    /// By-product material id.
    pub material: String,
    /// `false` when the by-product was already used elsewhere (`otherwise: used_elsewhere`):
    /// the exchange only displaces that use, and its avoided virgin production is 0.
    pub additional: bool,
    /// One row per year from the exchange's first year to the region's end year.
    pub years: Vec<ExchangeYear>,
    /// Landfill methane committed by the diverted deposits over their whole decay
    /// (t CO2e, summed over the deposit years; 0 unless `otherwise: landfill`).
    pub committed_disposal: f64,
    /// Economics, when the exchange has an `economics:` section.
    pub economics: Option<Economics>,
}

/// One facility in one year: mass in t, emissions in t CO2e.
#[derive(Clone, Debug, PartialEq)]
pub struct FacilityYear {
    /// Facility index.
    pub facility: usize,
    /// The year.
    pub year: i32,
    /// By-products received.
    pub mass_in_t: f64,
    /// By-products sent.
    pub mass_out_t: f64,
    /// Net avoided emissions attributed to the facility: the avoided virgin production and
    /// processing of the exchanges it receives, the avoided disposal and transport of those
    /// it sends (the facilities' shares add up to the network's net avoided).
    pub net_avoided: f64,
}

/// One material (by-product) in one year.
#[derive(Clone, Debug, PartialEq)]
pub struct MaterialYear {
    /// Material id.
    pub material: String,
    /// The year.
    pub year: i32,
    /// Mass exchanged, t.
    pub mass_t: f64,
    /// Net avoided, t CO2e.
    pub net_avoided: f64,
}

/// The network in one year, t CO2e (mass in t).
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkYear {
    /// The year.
    pub year: i32,
    /// Mass exchanged.
    pub mass_t: f64,
    /// Sum of the exchanges' avoided virgin production.
    pub avoided_virgin: f64,
    /// Sum of avoided disposal.
    pub avoided_disposal: f64,
    /// Sum of processing.
    pub processing: f64,
    /// Sum of transport.
    pub transport: f64,
    /// Sum of net avoided.
    pub net_avoided: f64,
    /// Net avoided of the additional exchanges only.
    pub net_avoided_additional: f64,
}

/// A network's assessment.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// Network id.
    pub id: String,
    /// Network name (the id when none).
    pub name: String,
    /// The region id.
    pub region: String,
    /// The region's years.
    pub years: Vec<i32>,
    /// Facility ids, names and whether each lies inside the region, in file order.
    pub facilities: Vec<(String, String, bool)>,
    /// Per exchange, in file order.
    pub exchanges: Vec<ExchangeResult>,
    /// Per facility and year (facility-major, years in order).
    pub facility_years: Vec<FacilityYear>,
    /// Per material and year (materials in order of first use).
    pub material_years: Vec<MaterialYear>,
    /// Network totals per year.
    pub totals: Vec<NetworkYear>,
    /// The network's economics (over the exchanges with economics), when any.
    pub economics: Option<Economics>,
    /// The money basis, `(currency, price year)`, when the network has economics.
    pub money_basis: Option<(String, i32)>,
}

/// What an exchange needs from the tables and the region, resolved once.
struct Resolved {
    composition: Option<[f64; N_WASTE_TYPES]>,
    /// `(ratio, EF per unit of ratio numerator, energy basis)` per substitute.
    substitutes: Vec<(f64, f64, bool)>,
    mode_ef: Option<f64>,
}

/// The region's factors of each year.
struct Region {
    grid_t_per_mwh: Vec<f64>,
    fod: Option<FodConstants>,
    recovery: Vec<f64>,
    wte_gj_per_t: Vec<f64>,
    compost: (f64, f64),
    gwp: (f64, f64),
}

fn series_values(s: &lcs_model::Series) -> Option<Vec<f64>> {
    match &s.def {
        SeriesDef::Values(v) => Some(v.clone()),
        SeriesDef::Expr(_) => None,
    }
}

fn region_factors(net: &Network) -> Result<Region, EcotownError> {
    let m = &net.region;
    let n = m.n_years();
    let scenario = Scenario::of_model(m.clone(), "reference");
    let c = lcs_engine::compile(&scenario).map_err(EcotownError::Compile)?;
    let ws = lcs_engine::run_reference(&c).map_err(EcotownError::Run)?;
    let mut grid = lcs_engine::grid_factor_co2e(&c, &ws);
    if grid.is_empty() {
        grid = vec![0.0; n];
    }
    let mut diags = Vec::new();
    let (fod, recovery, wte, compost) = match &m.waste {
        Some(w) => {
            let rec = series_values(&w.recovery);
            let wte = series_values(&w.incineration_electricity);
            if rec.is_none() || wte.is_none() {
                diags.push(
                    Diagnostic::new(w.span, "the region's landfill recovery and incineration electricity must be series of values for an eco-town network, not expressions")
                        .at("waste"),
                );
            }
            (
                Some(FodConstants::of_model(w)),
                rec.unwrap_or_else(|| vec![0.0; n]),
                wte.unwrap_or_else(|| vec![0.0; n]),
                (w.compost_ch4, w.compost_n2o),
            )
        }
        None => (None, vec![0.0; n], vec![0.0; n], (0.0, 0.0)),
    };
    if !diags.is_empty() {
        return Err(EcotownError::Input(diags));
    }
    Ok(Region {
        grid_t_per_mwh: grid,
        fod,
        recovery,
        wte_gj_per_t: wte,
        compost,
        gwp: (m.gwp.ch4(), m.gwp.n2o()),
    })
}

fn resolve(
    net: &Network,
    tables: &Tables,
    has_grid: bool,
) -> Result<Vec<Resolved>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut out = Vec::new();
    let m = &net.region;
    let gwp = (m.gwp.ch4(), m.gwp.n2o());
    let products = tables.ids(Role::Product);
    let byproducts = tables.ids(Role::Byproduct);
    let elec = m.fuels.index_of("electricity");
    for e in &net.exchanges {
        // The by-product's composition when disposed of.
        let composition = match (e.waste_type, tables.material(&e.material)) {
            (Some(c), _) => Some(c),
            (None, Some(mat)) => mat.waste_type.map(|w| {
                let mut c = [0.0; N_WASTE_TYPES];
                c[w.index()] = 1.0;
                c
            }),
            (None, None) => None,
        };
        let needs_type = e.otherwise != Otherwise::UsedElsewhere
            || e.substitutes.iter().any(|s| {
                tables
                    .material(&s.material)
                    .is_some_and(|x| x.basis == Basis::Energy)
            });
        if composition.is_none() && needs_type {
            let known = tables.material(&e.material).is_some();
            diags.push(
                Diagnostic::new(
                    e.material_span,
                    if known {
                        format!("material `{}` has no waste type and the exchange gives none", e.material)
                    } else {
                        format!("material `{}` is not in data/factors/materials.csv and the exchange has no `waste_type`", e.material)
                    },
                )
                .at(format!("{}.material", e.key))
                .expected(format!("a by-product of the table ({}), or a `waste_type` on the exchange", byproducts.join(", ")))
                .suggest(nearest(&e.material, byproducts.iter().copied())),
            );
        }
        let mut subs = Vec::new();
        for (j, s) in e.substitutes.iter().enumerate() {
            let key = if e.substitutes.len() == 1 {
                format!("{}.substitutes.material", e.key)
            } else {
                format!("{}.substitutes[{j}].material", e.key)
            };
            let Some(mat) = tables
                .material(&s.material)
                .filter(|x| x.role == Role::Product)
            else {
                diags.push(
                    Diagnostic::new(
                        s.material_span,
                        format!(
                            "material `{}` has no factor in data/factors/materials.csv",
                            s.material
                        ),
                    )
                    .at(key)
                    .expected(format!(
                        "a virgin material or fuel with a factor: {}",
                        products.join(", ")
                    ))
                    .suggest(nearest(&s.material, products.iter().copied())),
                );
                continue;
            };
            let (want, want_text) = match mat.basis {
                Basis::Mass => (
                    Dimension::none(),
                    "t of material per t of by-product: a plain number such as `0.9`",
                ),
                Basis::Energy => (
                    Dimension::energy().div(&Dimension::mass()),
                    "GJ of fuel per t of by-product, such as `\"20 GJ/t\"`",
                ),
            };
            if s.ratio_dim != want {
                diags.push(
                    Diagnostic::new(
                        s.ratio_span,
                        format!("the ratio for `{}` has the wrong unit", s.material),
                    )
                    .at(key.replace(".material", ".ratio"))
                    .expected(format!(
                        "{want_text} (`{}` is on a{} basis)",
                        s.material,
                        if mat.basis == Basis::Mass {
                            " mass"
                        } else {
                            "n energy"
                        }
                    ))
                    .found(format!("`{}`", s.ratio_text)),
                );
                continue;
            }
            let ef = match mat.fuel {
                Some(f) => {
                    let Some(fi) = m.fuels.index_of(f) else {
                        diags.push(
                            Diagnostic::new(
                                s.material_span,
                                format!("the region model has no fuel `{f}` for `{}`", s.material),
                            )
                            .at(key),
                        );
                        continue;
                    };
                    mat.ef_t_co2e
                        + lcs_engine::combustion_factors(m, fi, Some(Category::Manufacturing))
                            .co2e(gwp.0, gwp.1)
                }
                None => mat.ef_t_co2e,
            };
            subs.push((s.ratio, ef, mat.basis == Basis::Energy));
        }
        for (fuel, _) in &e.processing {
            let f = &m.fuels.fuels()[*fuel];
            if Some(*fuel) == elec {
                if !has_grid {
                    diags.push(
                        Diagnostic::new(e.span, "processing uses electricity but the region model has no grid factor or mix")
                            .at(format!("{}.processing.electricity", e.key)),
                    );
                }
            } else if f.is_carrier() {
                diags.push(
                    Diagnostic::new(
                        e.span,
                        format!(
                            "processing energy `{}` is a carrier with no emission factor here",
                            f.id
                        ),
                    )
                    .at(format!("{}.processing.{}", e.key, f.id))
                    .expected("electricity or a fuel that burns"),
                );
            }
        }
        let mode_ef = match &e.transport {
            None => None,
            Some(t) => match tables.mode(&t.mode) {
                Some(md) => Some(md.ef_t_co2e_per_tkm),
                None => {
                    let modes: Vec<&str> = tables.modes.iter().map(|x| x.id).collect();
                    diags.push(
                        Diagnostic::new(
                            t.mode_span,
                            format!("unknown transport mode `{}`", t.mode),
                        )
                        .at(format!("{}.transport.mode", e.key))
                        .expected(format!(
                            "one of {} (data/factors/transport_modes.csv)",
                            modes.join(", ")
                        ))
                        .suggest(nearest(&t.mode, modes.iter().copied())),
                    );
                    None
                }
            },
        };
        out.push(Resolved {
            composition,
            substitutes: subs,
            mode_ef,
        });
    }
    // Money that needs conversion must find its rows.
    if let Some(basis) = &net.economics {
        let to = MoneyBasis::new(basis.currency.clone(), basis.price_year);
        for e in &net.exchanges {
            if let Some(x) = &e.economics {
                if let Err(err) = lcs_econ::Tables::builtin()
                    .factor(&MoneyBasis::new(x.currency.clone(), x.price_year), &to)
                {
                    diags.push(
                        Diagnostic::new(
                            x.span,
                            format!("cannot express the money of `{}` in {to}: {err}", e.id),
                        )
                        .at(format!("{}.economics", e.key)),
                    );
                }
            }
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// Assesses a checked network with the built-in tables.
pub fn assess(net: &Network) -> Result<Assessment, EcotownError> {
    assess_with(net, Tables::builtin())
}

/// Assesses a checked network with the given tables.
pub fn assess_with(net: &Network, tables: &Tables) -> Result<Assessment, EcotownError> {
    let region = region_factors(net)?;
    let has_grid = !matches!(
        net.region.electricity.as_ref().map(|e| &e.grid),
        None | Some(lcs_model::Grid::None)
    );
    let resolved = resolve(net, tables, has_grid).map_err(EcotownError::Input)?;
    let m = &net.region;
    let years: Vec<i32> = m.years().collect();
    let n = years.len();
    let (g_ch4, g_n2o) = region.gwp;
    let elec = m.fuels.index_of("electricity");
    // Processing factors per fuel, t CO2e per GJ (electricity: per year).
    let fuel_factor = |fuel: usize, y: usize| -> f64 {
        if Some(fuel) == elec {
            region.grid_t_per_mwh[y] / 3.6
        } else {
            lcs_engine::combustion_factors(m, fuel, Some(Category::Manufacturing))
                .co2e(g_ch4, g_n2o)
        }
    };
    let mut exchanges = Vec::new();
    for (e, r) in net.exchanges.iter().zip(&resolved) {
        let additional = e.otherwise != Otherwise::UsedElsewhere;
        let comp = r.composition.unwrap_or([0.0; N_WASTE_TYPES]);
        let burnt = r.substitutes.iter().any(|s| s.2);
        // Avoided landfill methane runs year by year over the diverted deposits.
        let landfill_ch4 = match (e.otherwise, &region.fod) {
            (Otherwise::Landfill, Some(fod)) => {
                terms::landfill_ch4_avoided(fod, &comp, &e.mass_t, &region.recovery)
            }
            _ => vec![0.0; n],
        };
        let mut rows = Vec::new();
        let mut committed = 0.0;
        let y0 = (e.start - m.base_year) as usize;
        for y in y0..n {
            let mass = e.mass_t[y];
            let virgin_by_substitute: Vec<f64> = r
                .substitutes
                .iter()
                .map(|(ratio, ef, _)| {
                    if additional {
                        terms::avoided_virgin(mass, *ratio, *ef)
                    } else {
                        0.0
                    }
                })
                .collect();
            let avoided_virgin = virgin_by_substitute.iter().sum();
            let avoided_disposal = match e.otherwise {
                Otherwise::Landfill => g_ch4 * landfill_ch4[y],
                Otherwise::Incineration => terms::incineration_avoided(
                    mass,
                    &comp,
                    region.wte_gj_per_t[y],
                    region.grid_t_per_mwh[y],
                ),
                Otherwise::OpenBurning => {
                    terms::open_burning_avoided(mass, &comp, &tables.open_burning, g_ch4, g_n2o)
                }
                Otherwise::UsedElsewhere => 0.0,
            };
            if let (Otherwise::Landfill, Some(fod)) = (e.otherwise, &region.fod) {
                committed +=
                    g_ch4 * terms::committed_landfill_ch4(fod, &comp, mass, region.recovery[y]);
            }
            let energy: Vec<(f64, f64)> = e
                .processing
                .iter()
                .map(|(f, gj)| (*gj, fuel_factor(*f, y)))
                .collect();
            let processing_energy = terms::processing_energy(mass, &energy);
            let treatment = if e.treatment == Some(Treatment::Composting) {
                terms::composting(mass, region.compost.0, region.compost.1, g_ch4, g_n2o)
            } else {
                0.0
            };
            let burnt_co2 = if burnt {
                terms::fossil_co2_burnt(mass, &comp, 1.0)
            } else {
                0.0
            };
            let processing = processing_energy + treatment + burnt_co2;
            let transport = match (&e.transport, r.mode_ef) {
                (Some(t), Some(ef)) => terms::transport(mass, t.distance_m, ef),
                _ => 0.0,
            };
            rows.push(ExchangeYear {
                year: years[y],
                mass_t: mass,
                avoided_virgin,
                avoided_disposal,
                processing,
                transport,
                net_avoided: terms::net_avoided(
                    avoided_virgin,
                    avoided_disposal,
                    processing,
                    transport,
                ),
                virgin_by_substitute,
                processing_energy,
                treatment,
                burnt: burnt_co2,
            });
        }
        exchanges.push(ExchangeResult {
            id: e.id.clone(),
            from: e.from,
            to: e.to,
            material: e.material.clone(),
            additional,
            years: rows,
            committed_disposal: committed,
            economics: None,
        });
    }
    // Economics.
    let mut network_economics = None;
    let mut money_basis = None;
    if let Some(b) = &net.economics {
        let to = MoneyBasis::new(b.currency.clone(), b.price_year);
        let mut total_cost = vec![0.0; n];
        let mut total_avoided = vec![0.0; n];
        let mut any = false;
        for (e, x) in net.exchanges.iter().zip(exchanges.iter_mut()) {
            let Some(money) = &e.economics else { continue };
            any = true;
            let factor = lcs_econ::Tables::builtin()
                .factor(
                    &MoneyBasis::new(money.currency.clone(), money.price_year),
                    &to,
                )
                .map_err(|err| {
                    EcotownError::Input(vec![Diagnostic::new(money.span, err.to_string())
                        .at(format!("{}.economics", e.key))])
                })?;
            let costs: Vec<(i32, f64)> = x
                .years
                .iter()
                .map(|r| {
                    let capex = if r.year == e.start { money.capex } else { 0.0 };
                    let per_t =
                        money.opex_per_t - money.disposal_fee_per_t - money.avoided_purchase_per_t;
                    (r.year, factor * (capex + r.mass_t * per_t))
                })
                .collect();
            let avoided: Vec<(i32, f64)> =
                x.years.iter().map(|r| (r.year, r.net_avoided)).collect();
            for ((yr, c), (_, a)) in costs.iter().zip(&avoided) {
                let i = (yr - m.base_year) as usize;
                total_cost[i] += c;
                total_avoided[i] += a;
            }
            x.economics = Some(crate::economics::appraise(
                b.discount_rate,
                b.base_year,
                costs,
                &avoided,
            ));
        }
        if any {
            let costs: Vec<(i32, f64)> = years.iter().copied().zip(total_cost).collect();
            let avoided: Vec<(i32, f64)> = years.iter().copied().zip(total_avoided).collect();
            network_economics = Some(crate::economics::appraise(
                b.discount_rate,
                b.base_year,
                costs,
                &avoided,
            ));
        }
        money_basis = Some((b.currency.clone(), b.price_year));
    }
    // Totals.
    let nf = net.facilities.len();
    let mut fac = vec![
        FacilityYear {
            facility: 0,
            year: 0,
            mass_in_t: 0.0,
            mass_out_t: 0.0,
            net_avoided: 0.0
        };
        nf * n
    ];
    for (f, chunk) in fac.chunks_mut(n.max(1)).enumerate() {
        for (y, fy) in chunk.iter_mut().enumerate() {
            fy.facility = f;
            fy.year = years[y];
        }
    }
    let mut materials: Vec<String> = Vec::new();
    for x in &exchanges {
        if !materials.contains(&x.material) {
            materials.push(x.material.clone());
        }
    }
    let mut mat: Vec<MaterialYear> = materials
        .iter()
        .flat_map(|mname| {
            years.iter().map(move |y| MaterialYear {
                material: mname.clone(),
                year: *y,
                mass_t: 0.0,
                net_avoided: 0.0,
            })
        })
        .collect();
    let mut totals: Vec<NetworkYear> = years
        .iter()
        .map(|y| NetworkYear {
            year: *y,
            mass_t: 0.0,
            avoided_virgin: 0.0,
            avoided_disposal: 0.0,
            processing: 0.0,
            transport: 0.0,
            net_avoided: 0.0,
            net_avoided_additional: 0.0,
        })
        .collect();
    for x in &exchanges {
        let mi = materials.iter().position(|s| *s == x.material).unwrap_or(0);
        for r in &x.years {
            let y = (r.year - m.base_year) as usize;
            let src = &mut fac[x.from * n + y];
            src.mass_out_t += r.mass_t;
            src.net_avoided += r.avoided_disposal - r.transport;
            let dst = &mut fac[x.to * n + y];
            dst.mass_in_t += r.mass_t;
            dst.net_avoided += r.avoided_virgin - r.processing;
            let my = &mut mat[mi * n + y];
            my.mass_t += r.mass_t;
            my.net_avoided += r.net_avoided;
            let t = &mut totals[y];
            t.mass_t += r.mass_t;
            t.avoided_virgin += r.avoided_virgin;
            t.avoided_disposal += r.avoided_disposal;
            t.processing += r.processing;
            t.transport += r.transport;
            t.net_avoided += r.net_avoided;
            if x.additional {
                t.net_avoided_additional += r.net_avoided;
            }
        }
    }
    Ok(Assessment {
        id: net.id.clone(),
        name: net.name.clone().unwrap_or_else(|| net.id.clone()),
        region: m.region_id.clone(),
        years,
        facilities: net
            .facilities
            .iter()
            .map(|f| (f.id.clone(), f.name.clone(), f.inside_region))
            .collect(),
        exchanges,
        facility_years: fac,
        material_years: mat,
        totals,
        economics: network_economics,
        money_basis,
    })
}

/// The composition of a single waste type, for callers building exchanges by hand.
pub fn single_type(t: WasteType) -> [f64; N_WASTE_TYPES] {
    let mut c = [0.0; N_WASTE_TYPES];
    c[t.index()] = 1.0;
    c
}
