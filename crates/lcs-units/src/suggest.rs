//! Nearest-name suggestions shared by every "unknown name" error in lcs.
//!
//! Distance is the optimal-string-alignment form of Damerau–Levenshtein
//! (insert, delete, substitute, swap two adjacent characters), computed on
//! lower-cased characters so `gj` is at distance 0 from `GJ`.

/// Up to 3 of `candidates` closest to `name`, nearest first.
///
/// A candidate qualifies when its distance `d` to `name` satisfies
/// `d <= max(2, len(name) / 3)` and `d` is smaller than the longer of the two
/// lengths (a full rewrite is no suggestion). Ties are broken alphabetically
/// (case-insensitive, then byte order); duplicates are dropped. The result is
/// deterministic for a given set of candidates, whatever their order.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let target: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let limit = (target.len() / 3).max(2);
    let mut scored: Vec<(usize, String, &str)> = Vec::new();
    for cand in candidates {
        let lower: Vec<char> = cand.chars().flat_map(char::to_lowercase).collect();
        let d = distance(&target, &lower);
        if d <= limit && d < target.len().max(lower.len()) {
            scored.push((d, lower.iter().collect(), cand));
        }
    }
    scored.sort();
    scored.dedup_by(|a, b| a.2 == b.2);
    scored
        .into_iter()
        .take(3)
        .map(|(_, _, c)| c.to_string())
        .collect()
}

/// Optimal-string-alignment distance between two character sequences.
fn distance(a: &[char], b: &[char]) -> usize {
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn distances() {
        assert_eq!(distance(&chars("GJJ"), &chars("GJ")), 1);
        assert_eq!(distance(&chars("kitten"), &chars("sitting")), 3);
        // An adjacent swap counts once.
        assert_eq!(distance(&chars("hosuehold"), &chars("household")), 1);
        assert_eq!(distance(&chars(""), &chars("abc")), 3);
    }

    #[test]
    fn nearest_orders_by_distance_then_name() {
        let cands = ["TJ", "GJ", "EJ", "kJ", "household", "J"];
        // GJ at 1; EJ, J, kJ, TJ at 2 → alphabetical (case-insensitive): EJ, J, kJ.
        assert_eq!(nearest("GJJ", cands), vec!["GJ", "EJ", "J"]);
        assert_eq!(nearest("gj", cands)[0], "GJ");
        assert_eq!(nearest("housheold", cands), vec!["household"]);
        assert!(nearest("zzzzzz", cands).is_empty());
    }

    #[test]
    fn nearest_is_order_independent_and_dedups() {
        let a = nearest("MWH", ["MWh", "GWh", "kWh", "MWh"]);
        let b = nearest("MWH", ["kWh", "MWh", "GWh"]);
        assert_eq!(a, b);
        assert_eq!(a, vec!["MWh", "GWh", "kWh"]);
    }

    #[test]
    fn one_letter_rewrite_is_not_a_suggestion() {
        assert!(nearest("x", ["t", "g"]).is_empty());
    }
}
