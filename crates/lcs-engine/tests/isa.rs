//! The evaluation picks its instruction set at run time (AVX2 code on x86-64 processors that
//! have it, baseline code otherwise; `lcs_engine::evaluate_with`): both must give the same
//! bits for every output row of every bundled scenario, with every action on, with none,
//! with each action alone, and with sampled parameter values.

use lcs_engine::{
    compile, evaluate_baseline, evaluate_with, row_layout, row_values_into, Compiled, Workspace,
};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scenarios() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [
        "scenarios/iskandar",
        "scenarios/kitakyushu",
        "tests/cases/tiny",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("bundled scenario folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .filter(|p| p.file_name().is_some_and(|n| n != "model.yaml"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// Every output row's values of one evaluation, as bits.
fn bits(c: &Compiled, ws: &Workspace) -> Vec<u64> {
    let mut v = vec![0.0; row_layout(c).len() * c.years().len()];
    row_values_into(c, ws, &mut v);
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn avx2_and_baseline_code_give_the_same_bits() {
    let files = scenarios();
    // 6 Iskandar scenarios (bau, cap-2030, cdp3-2030, cm-2025, its uncertainty variant,
    // kitakyushu-know-how, netzero-2050: 7), 5 Kitakyushu, 2 tiny.
    assert!(files.len() >= 14, "bundled scenarios: {files:?}");
    let mut compared = 0usize;
    for path in &files {
        let mut loader = lcs_model::Loader::new();
        let s = loader
            .load_scenario(path)
            .unwrap_or_else(|d| panic!("{}", lcs_model::render_all_plain(&d, &loader.sources)));
        let c = compile(&s).expect("compile");
        let n = c.n_actions();
        let mut masks = vec![vec![true; n], vec![false; n]];
        masks.extend((0..n).map(|i| (0..n).map(|j| j == i).collect()));
        // Parameters: none, and multipliers (or values) of 0.9 and 1.1 of each parameter
        // (only the uncertainty scenario has any; a value beyond the list is ignored).
        let k = s.uncertainty.len();
        let params = [vec![], vec![0.9; k], vec![1.1; k]];
        let mut a = Workspace::new(&c);
        let mut b = Workspace::new(&c);
        for mask in &masks {
            for p in &params {
                let ra = evaluate_with(&c, &mut a, mask, p);
                let rb = evaluate_baseline(&c, &mut b, mask, p);
                assert_eq!(ra, rb, "{}: {mask:?} {p:?}", path.display());
                if ra.is_ok() {
                    assert!(
                        bits(&c, &a) == bits(&c, &b),
                        "{}: outputs differ for mask {mask:?}, parameters {p:?}",
                        path.display()
                    );
                    compared += 1;
                }
            }
        }
    }
    // At least the three parameter sets of the full and the empty mask of each scenario.
    assert!(
        compared >= files.len() * 6,
        "compared {compared} evaluations"
    );
}

/// On a processor with AVX2 the comparison above must have run the AVX2 code (else it
/// compared baseline code with itself).
#[test]
fn the_avx2_code_runs_where_the_processor_has_it() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("bmi2")
        && std::arch::is_x86_feature_detected!("bmi1")
        && std::arch::is_x86_feature_detected!("lzcnt")
        && std::arch::is_x86_feature_detected!("popcnt")
    {
        assert_ne!(lcs_engine::instruction_set(), "baseline");
    }
}
