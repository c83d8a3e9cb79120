//! Generated street lists for runs larger than the study's frames (`--scale` above 1).
//!
//! Routes are drawn without replacement, so a city needs at least as many streets as routes, and the
//! walk's continuation points need some more. When the study's frame of a city has fewer than
//! `ceil(1.3 × routes) + 5` streets, streets are generated, seeded by the run's seed, and added after
//! the real ones. They are marked synthetic where the data shows them: the street is called
//! «синт. улица 0001» / «синт. көше 0001» / district `synthetic` (in every route drawn on it, and so in
//! every device database), the run's summary counts them per city, and the whole frame used is written to
//! `<out>/synthetic-frame.csv` with a comment line saying so.
//!
//! Distributions (documented in `docs/simulator.md`): the building type follows the city's own frame
//! (its shares of `houses`, `flats` and `mixed` streets); house numbers run from 1 to a number drawn
//! uniformly from 40–200 (houses), 10–120 (flats) or 20–160 (mixed); odd numbers on the left or right
//! with equal chance, and 10 % of `flats` streets are microdistricts numbered without sides; the dwelling
//! count is not known (empty). What a building on the street is (entrances, floors, flats) is drawn by
//! the walk as on real streets (`device::describe`).

use std::collections::BTreeMap;

use dala_fieldwork::frame::{BuildingType, Frame, Hand, Street};
use dala_fieldwork::quota::plan_quotas;
use dala_fieldwork::rng::{derive_seed, stream};
use dala_session::field::Fieldwork;
use rand::Rng;

/// Streets a city needs for `routes` routes and their continuation points.
pub fn streets_needed(routes: u32) -> usize {
    (f64::from(routes) * 1.3).ceil() as usize + 5
}

/// The fieldwork of a run at `scale`: unchanged up to 1; above it every city's routes and planned
/// households are multiplied (the cells keep their shapes), the quota plan is made again, and frames too
/// small for the routes are extended with synthetic streets. Returns the streets generated per city.
pub fn scaled(fw: &Fieldwork, scale: f64, seed: u64) -> Result<(Fieldwork, BTreeMap<String, usize>), String> {
    let mut out = fw.clone();
    let mut added = BTreeMap::new();
    if scale <= 1.0 {
        return Ok((out, added));
    }
    for city in &mut out.settings.cities {
        let routes = ((f64::from(city.routes) * scale).round() as u32).max(1);
        let planned = (f64::from(city.planned_households) * f64::from(routes) / f64::from(city.routes)).round() as u32;
        city.routes = routes;
        city.planned_households = planned;
    }
    // The study's allowed cell shapes fit its own plan; the rounding of a larger plan may need another
    // shape (Almaty ×10: 3 003 women over 500 routes of 11 needs three 7F/4M cells), so a scaled plan
    // spreads each city's targets evenly without the study's list of shapes.
    out.settings.quota.shapes = None;
    out.plan = plan_quotas(&out.settings).map_err(|e| e.to_string())?;
    for city in &out.settings.cities {
        let have = out.frame.city(&city.id).count();
        let need = streets_needed(city.routes);
        let n = need.saturating_sub(have);
        if n > 0 {
            let new = generate(&out.frame, &city.id, n, seed);
            out.frame.streets.extend(new);
        }
        added.insert(city.id.clone(), n);
    }
    Ok((out, added))
}

/// `n` synthetic streets for `city`, with the building-type shares of its streets in `frame`.
pub fn generate(frame: &Frame, city: &str, n: usize, seed: u64) -> Vec<Street> {
    let mut rng = stream(derive_seed(seed, &format!("synthetic-frame-{city}")));
    let real: Vec<&Street> = frame.city(city).collect();
    let share = |t: BuildingType| real.iter().filter(|s| s.building_type == t).count() as f64;
    let weights = if real.is_empty() {
        [1.0, 1.0, 1.0]
    } else {
        [share(BuildingType::Houses), share(BuildingType::Flats), share(BuildingType::Mixed)]
    };
    let total: f64 = weights.iter().sum();
    let first_line = frame.streets.iter().map(|s| s.line).max().unwrap_or(0) + 1;
    (0..n)
        .map(|i| {
            let x = rng.random::<f64>() * total;
            let building_type = if x < weights[0] {
                BuildingType::Houses
            } else if x < weights[0] + weights[1] {
                BuildingType::Flats
            } else {
                BuildingType::Mixed
            };
            let to_number = match building_type {
                BuildingType::Houses => rng.random_range(40..=200),
                BuildingType::Flats => rng.random_range(10..=120),
                BuildingType::Mixed => rng.random_range(20..=160),
            };
            let odd_side = if building_type == BuildingType::Flats && rng.random_bool(0.1) {
                None
            } else if rng.random_bool(0.5) {
                Some(Hand::Left)
            } else {
                Some(Hand::Right)
            };
            let no = i + 1;
            Street {
                line: first_line + i as u64,
                city: city.to_string(),
                street_ru: format!("синт. улица {no:04}"),
                street_kk: format!("синт. көше {no:04}"),
                district: "synthetic".to_string(),
                from_number: 1,
                to_number,
                odd_side,
                building_type,
                dwellings: None,
                turns_low: None,
                turns_high: None,
            }
        })
        .collect()
}

/// The frame as CSV (the study frames' format), with a first comment line saying it is synthetic.
pub fn frame_csv(frame: &Frame, seed: u64, scale: f64) -> String {
    let mut s = format!(
        "# SYNTHETIC: generated by `dala simulate --seed {seed} --scale {scale}`; streets whose district is `synthetic` are not real \
         streets (see docs/simulator.md).\ncity,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings\n"
    );
    for st in &frame.streets {
        let side = match st.odd_side {
            Some(Hand::Left) => "left",
            Some(Hand::Right) => "right",
            None => "",
        };
        let kind = match st.building_type {
            BuildingType::Houses => "houses",
            BuildingType::Flats => "flats",
            BuildingType::Mixed => "mixed",
        };
        let dwellings = st.dwellings.map(|d| d.to_string()).unwrap_or_default();
        s.push_str(&format!(
            "{},{},{},{},{},{},{side},{kind},{dwellings}\n",
            st.city, st.street_ru, st.street_kk, st.district, st.from_number, st.to_number
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use dala_fieldwork::frame::parse_frame;

    const FRAME: &str = "city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings\n\
        x,улица А,А көшесі,Центр,1,100,left,flats,\n\
        x,улица Б,Б көшесі,Центр,1,80,right,flats,\n\
        x,улица В,В көшесі,Центр,1,60,left,flats,\n\
        x,улица Г,Г көшесі,Центр,1,90,right,houses,\n";

    #[test]
    fn generated_streets_follow_the_citys_building_types_and_are_marked() {
        let frame = parse_frame(FRAME).unwrap();
        let streets = generate(&frame, "x", 4000, 7);
        assert_eq!(streets.len(), 4000);
        let flats = streets.iter().filter(|s| s.building_type == BuildingType::Flats).count() as f64 / 4000.0;
        assert!((flats - 0.75).abs() < 0.03, "flats share {flats}");
        assert!(streets.iter().all(|s| s.district == "synthetic" && s.street_ru.starts_with("синт.")));
        assert!(streets.iter().filter(|s| s.building_type == BuildingType::Houses).all(|s| (40..=200).contains(&s.to_number)));
        let names: std::collections::HashSet<_> = streets.iter().map(|s| &s.street_ru).collect();
        assert_eq!(names.len(), 4000, "names are unique");
        // The same seed gives the same streets; the CSV parses back as a frame.
        assert_eq!(generate(&frame, "x", 50, 7), generate(&frame, "x", 50, 7));
        let mut all = frame.clone();
        all.streets.extend(streets);
        let back = parse_frame(&frame_csv(&all, 7, 2.0)).unwrap();
        assert_eq!(back.streets.len(), 4004);
        assert_eq!(back.streets[4].district, "synthetic");
    }
}
