//! Tests of the weights: hand computations, an exact enumeration of the draw by size, and the real
//! route draw's frequencies over many seeds.

use super::*;
use crate::draw::draw_routes;
use crate::frame::parse_frame;
use crate::frame::tests::ALMATY;
use crate::rng;
use crate::selection::Action;
use crate::settings::tests::KMRS;
use crate::walk::WalkTally;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn three_streets_drawn_by_size_match_the_hand_computation() {
    // Sizes 1, 2, 3 (total 6), two draws without replacement, each proportional to size among the rest.
    // π_1 = P(1 first) + P(2 first, then 1) + P(3 first, then 1) = 1/6 + 2/6·1/4 + 3/6·1/3 = 5/12
    // π_2 = 2/6 + 1/6·2/5 + 3/6·2/3 = 1/3 + 1/15 + 1/3 = 11/15
    // π_3 = 3/6 + 1/6·3/5 + 2/6·3/4 = 1/2 + 1/10 + 1/4 = 17/20        (sum 5/12 + 11/15 + 17/20 = 2)
    let pi = successive_pps_inclusion(&[1, 2, 3], 2);
    for (got, want) in pi.iter().zip([5.0 / 12.0, 11.0 / 15.0, 17.0 / 20.0]) {
        assert!(close(*got, want, 1e-10), "{pi:?}");
    }
    // One draw is exactly proportional to size; as many draws as streets take every street.
    let one = successive_pps_inclusion(&[1, 2, 3], 1);
    assert!(one.iter().zip([1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0]).all(|(g, w)| close(*g, w, 1e-10)), "{one:?}");
    assert_eq!(successive_pps_inclusion(&[1, 2, 3], 3), [1.0; 3]);
    assert_eq!(successive_pps_inclusion(&[1, 2, 3], 0), [0.0; 3]);
}

/// The definition itself: every ordered sequence of `k` draws with its probability.
fn enumerate(sizes: &[u64], k: usize) -> Vec<f64> {
    fn go(sizes: &[u64], taken: &mut Vec<bool>, left: usize, p: f64, pi: &mut [f64]) {
        if left == 0 {
            return;
        }
        let rest: u64 = sizes.iter().zip(taken.iter()).filter(|(_, t)| !**t).map(|(s, _)| *s).sum();
        for i in 0..sizes.len() {
            if taken[i] {
                continue;
            }
            let q = p * sizes[i] as f64 / rest as f64;
            pi[i] += q;
            taken[i] = true;
            go(sizes, taken, left - 1, q, pi);
            taken[i] = false;
        }
    }
    let mut pi = vec![0.0; sizes.len()];
    go(sizes, &mut vec![false; sizes.len()], k, 1.0, &mut pi);
    pi
}

#[test]
fn the_integral_matches_an_exact_enumeration_of_the_ordered_draws() {
    let mut stream = rng::stream(11);
    for n in 2..=7usize {
        for trial in 0..4 {
            // Sizes from 1 to 6 000, and one very unequal frame per size.
            let sizes: Vec<u64> = (0..n).map(|i| if trial == 3 && i == 0 { 50_000 } else { 1 + rng::below(&mut stream, 6_000) }).collect();
            for k in 0..=n {
                let exact = enumerate(&sizes, k);
                let pi = successive_pps_inclusion(&sizes, k as u32);
                for (a, b) in pi.iter().zip(&exact) {
                    assert!(close(*a, *b, 1e-9), "sizes {sizes:?}, k {k}: {pi:?} vs {exact:?}");
                }
                assert!(close(pi.iter().sum::<f64>(), k as f64, 1e-9));
            }
        }
    }
}

#[test]
fn the_almaty_frame_by_size_sums_to_the_number_of_routes() {
    let frame = parse_frame(ALMATY).unwrap();
    for k in [1, 10, 50, 69] {
        let p = street_inclusion(&frame, "almaty", k, true).unwrap();
        let sum: f64 = p.iter().map(|s| s.probability).sum();
        assert!(close(sum, f64::from(k), 1e-9), "k {k}: Σπ = {sum}");
        // Bigger streets are more likely, and never more than certain.
        let mut by_size: Vec<(u32, f64)> = p.iter().map(|s| (s.dwellings.unwrap(), s.probability)).collect();
        by_size.sort_by_key(|x| x.0);
        assert!(by_size.windows(2).all(|w| w[0].1 <= w[1].1 + 1e-12 && w[1].1 <= 1.0));
    }
}

#[test]
fn a_uniform_draw_gives_k_over_n_and_a_draw_by_size_leaves_out_empty_streets() {
    let frame = parse_frame(
        "city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings\n\
         a,s1,k1,d,1,9,left,houses,100\na,s2,k2,d,1,9,left,houses,300\na,s3,k3,d,1,9,left,flats,0\n\
         a,s4,k4,d,1,9,left,flats,600\nb,s5,k5,d,1,9,left,flats,10\n",
    )
    .unwrap();
    // Uniform: 2 of the city's 4 streets, 2/4 each (the street with 0 dwellings included).
    let uniform = street_inclusion(&frame, "a", 2, false).unwrap();
    assert_eq!(uniform.iter().map(|s| s.probability).collect::<Vec<_>>(), [0.5; 4]);
    // By size: s3 cannot be drawn; the others as the draw of 2 among sizes 100, 300, 600.
    let sized = street_inclusion(&frame, "a", 2, true).unwrap();
    assert_eq!(sized[2].probability, 0.0);
    let expect = enumerate(&[100, 300, 600], 2);
    for (s, e) in [&sized[0], &sized[1], &sized[3]].iter().zip(expect) {
        assert!(close(s.probability, e, 1e-9));
    }
    assert!(matches!(street_inclusion(&frame, "a", 4, true), Err(FieldworkError::NotEnoughStreets { .. })));
    assert!(matches!(street_inclusion(&frame, "z", 1, false), Err(FieldworkError::UnknownCity { .. })));
}

/// Pearson's statistic of street inclusion counts over `seeds` draws against the claimed
/// probabilities, with its limit at p ≈ 0.0003 (Wilson–Hilferty, z = 3.43, one degree of freedom
/// per street; the counts' fixed total makes that conservative by one).
fn chi_square(counts: &[u64], claimed: &[f64], seeds: u64) -> (f64, f64) {
    let mut stat = 0.0;
    let mut df: f64 = 0.0;
    for (c, p) in counts.iter().zip(claimed) {
        let var = seeds as f64 * p * (1.0 - p);
        if var <= 0.0 {
            assert_eq!(*c as f64, seeds as f64 * p, "a certain or impossible street");
            continue;
        }
        stat += (*c as f64 - seeds as f64 * p).powi(2) / var;
        df += 1.0;
    }
    let z = 3.43;
    let limit = df * (1.0 - 2.0 / (9.0 * df) + z * (2.0 / (9.0 * df)).sqrt()).powi(3);
    (stat, limit)
}

#[test]
fn street_probabilities_match_the_frequencies_of_the_real_draw_over_many_seeds() {
    // The real `draw_routes` on the Almaty demo frame (70 streets, 450 to 5 200 dwellings), 10 routes,
    // 20 000 seeds, uniform and by size: every street's count is compared with its probability by
    // Pearson's χ² (limit at p ≈ 0.0003). The naive claim for the draw by size, k × share of dwellings,
    // must fail the same test, so the test can tell a wrong formula.
    let frame = parse_frame(ALMATY).unwrap();
    let seeds = 20_000u64;
    let k = 10;
    for weighted in [false, true] {
        let streets = street_inclusion(&frame, "almaty", k, weighted).unwrap();
        let index: BTreeMap<u64, usize> = streets.iter().enumerate().map(|(i, s)| (s.line, i)).collect();
        let mut counts = vec![0u64; streets.len()];
        for seed in 0..seeds {
            for r in draw_routes(&frame, "almaty", seed, k, weighted).unwrap().routes {
                counts[index[&r.frame_line]] += 1;
            }
        }
        let claimed: Vec<f64> = streets.iter().map(|s| s.probability).collect();
        let (stat, limit) = chi_square(&counts, &claimed, seeds);
        assert!(stat < limit, "weighted {weighted}: χ² {stat:.1} ≥ {limit:.1}");
        if weighted {
            let total: f64 = streets.iter().map(|s| f64::from(s.dwellings.unwrap())).sum();
            let naive: Vec<f64> = streets.iter().map(|s| (f64::from(k) * f64::from(s.dwellings.unwrap()) / total).min(1.0)).collect();
            let (stat, limit) = chi_square(&counts, &naive, seeds);
            assert!(stat > limit, "the naive k × share passes too: χ² {stat:.1} < {limit:.1}");
        }
    }
}

#[test]
fn the_route_share_is_walked_over_street_dwellings_capped_at_one() {
    let tally = WalkTally { houses_counted: 20, flats_counted: 100, ..WalkTally::default() };
    // 120 dwellings walked of the street's 2 400: 120 / 2 400 = 0.05.
    let s = route_share(&tally, Some(2_400));
    assert_eq!((s.walked_dwellings, s.share, s.known), (120, 0.05, true));
    // A walk past the street's end (continuations) has walked all of it.
    assert_eq!(route_share(&tally, Some(90)).share, 1.0);
    // Without the street's dwellings the route stands for the whole street, flagged.
    let unknown = route_share(&tally, None);
    assert_eq!((unknown.share, unknown.known), (1.0, false));
    assert!(!route_share(&WalkTally::default(), Some(100)).known);
}

#[test]
fn design_weights_match_the_hand_computation() {
    // Almaty, uniform draw: 50 of the frame's 70 streets → π = 50/70 = 5/7. The route walked 120 of its
    // street's 2 400 dwellings → share 1/20. A flat (chance 1/5) with 2 households:
    //   p = 5/7 × 1/20 × 1/5 × 1/2 = 5/1400 = 1/280, weight 280.
    // A single house (chance 1/2), one household: p = 5/7 × 1/20 × 1/2 = 1/56, weight 56.
    let frame = parse_frame(ALMATY).unwrap();
    let pi = street_inclusion(&frame, "almaty", 50, false).unwrap()[0].probability;
    assert_eq!(pi, 50.0 / 70.0);
    let flat = DesignInputs { route_probability: pi, route_share: 0.05, chance: Chance::new(1, 5), households: 2 };
    assert!(close(flat.weight().unwrap(), 280.0, 1e-9), "{:?}", flat.weight());
    let house = DesignInputs { chance: Chance::new(1, 2), households: 1, ..flat };
    assert!(close(house.weight().unwrap(), 56.0, 1e-9));
    // A flat kept by a cap (chance 3/80 recorded by the walk), 1 household: 7/5 × 20 × 80/3 = 746.67.
    let capped = DesignInputs { chance: Chance::new(3, 80), households: 1, ..flat };
    assert!(close(capped.weight().unwrap(), 7.0 / 5.0 * 20.0 * 80.0 / 3.0, 1e-9));
    // Out-of-range inputs give no weight.
    assert_eq!(DesignInputs { households: 0, ..flat }.weight(), None);
    assert_eq!(DesignInputs { route_probability: 0.0, ..flat }.weight(), None);
    assert_eq!(DesignInputs { route_share: 1.5, ..flat }.weight(), None);
}

fn adult(line: u32, sex: Sex) -> Adult {
    Adult { line, name: format!("p{line}"), sex, age: 40, permanent: true, head: line == 1, co_decision_maker: line != 1, present: true }
}

fn selection(line: u32, sex: Sex, eligible: &[u32], candidates: &[u32]) -> Selection {
    Selection {
        line,
        sex,
        action: Action::Interview,
        eligible: eligible.to_vec(),
        candidates: candidates.to_vec(),
        needed: vec![sex],
        seed: 1,
        override_reason: None,
        flagged: false,
    }
}

#[test]
fn the_respondent_stands_for_the_adults_it_was_drawn_from() {
    // Three eligible adults (two women, one man). Both sexes open: drawn from 3.
    let adults = [adult(1, Sex::Male), adult(2, Sex::Female), adult(3, Sex::Female)];
    assert_eq!(selection_pool(&selection(2, Sex::Female, &[1, 2, 3], &[1, 2, 3]), &adults), 3);
    // Only women had a free place: drawn from the 2 women; the man had no chance.
    assert_eq!(selection_pool(&selection(3, Sex::Female, &[1, 2, 3], &[2, 3]), &adults), 2);
    // An override to the man, whose sex was full: as if drawn among the eligible men (1).
    assert_eq!(selection_pool(&selection(1, Sex::Male, &[1, 2, 3], &[2, 3]), &adults), 1);
}

#[test]
fn the_sex_calibration_matches_the_hand_computation() {
    // Almaty's population is 54.6 % female. Two women with base weights 100 and 300 (B_f = 400), one
    // man with 600 (B_m = 600), B = 1 000: g_f = 0.546 × 1000 / 400 = 1.365, g_m = 0.454 × 1000 / 600
    // = 0.756 67; weighted women 400 × 1.365 = 546 of 1 000. Pavlodar has completes of women only:
    // nothing to match, factors 1. An unknown city: factors 1.
    let settings = FieldworkSettings::from_toml(KMRS).unwrap();
    let cal = calibrate_sex(
        [
            ("almaty", Sex::Female, 100.0),
            ("almaty", Sex::Female, 300.0),
            ("almaty", Sex::Male, 600.0),
            ("pavlodar", Sex::Female, 50.0),
            ("atlantis", Sex::Male, 5.0),
            ("atlantis", Sex::Female, 5.0),
        ],
        &settings,
    );
    let ids: Vec<&str> = cal.iter().map(|c| c.city.as_str()).collect();
    assert_eq!(ids, ["almaty", "atlantis", "pavlodar"]);
    let almaty = &cal[0];
    assert!(almaty.calibrated);
    assert!(close(almaty.factor(Sex::Female), 1.365, 1e-12) && close(almaty.factor(Sex::Male), 0.454 * 1000.0 / 600.0, 1e-12));
    assert_eq!((almaty.female_target, almaty.female_before), (Some(0.546), Some(0.4)));
    let total = 400.0 * almaty.female_factor + 600.0 * almaty.male_factor;
    assert!(close(total, 1000.0, 1e-9) && close(400.0 * almaty.female_factor / total, 0.546, 1e-12));
    assert!(!cal[1].calibrated && cal[1].female_target.is_none());
    assert!(!cal[2].calibrated && (cal[2].female_factor, cal[2].male_factor) == (1.0, 1.0));
}

#[test]
fn every_reason_for_no_weight_is_worded_in_three_languages() {
    use NoWeight::*;
    for r in [NotFromFieldwork, NoRouteDraw, FrameDiffers, NoChance, NoHouseholdDraw, InvalidProbability, NotCompleted, NoSelection] {
        let m = r.localized();
        assert!(!m.en.is_empty() && !m.ru.is_empty() && m.kk != m.ru, "{r:?}");
        assert!(m.kk.chars().any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap())), "Kazakh in Cyrillic: {r:?}");
    }
}
