//! The seeded route draw: which streets a city's routes start on, at which house, in which direction.
//!
//! A draw takes the city's streets in frame order and, for each route in turn, draws a street without
//! replacement (uniformly, or with probability proportional to its dwellings among the streets not yet
//! drawn), then a start house number uniformly within the street's range, then the walking direction.
//! All three come from one ChaCha20 stream seeded with the caller's `u64` through [`crate::rng`], so the
//! same frame, city, seed, number of routes and weighting give byte-identical JSON on any machine.
//! The seed travels with the routes ([`RouteDraw::seed`]) so that storage can prove and replay the draw.

use serde::{Deserialize, Serialize};

use crate::error::FieldworkError;
use crate::frame::{BuildingType, Frame, Hand, Street};
use crate::rng;

/// The way a route is walked along its street.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Direction {
    /// Towards higher house numbers.
    Ascending,
    /// Towards lower house numbers.
    Descending,
}

impl Direction {
    /// The opposite direction.
    pub fn reversed(self) -> Direction {
        match self {
            Direction::Ascending => Direction::Descending,
            Direction::Descending => Direction::Ascending,
        }
    }
}

/// The side of a street given by the parity of its house numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Parity {
    Odd,
    Even,
}

impl Parity {
    /// The parity of a house number.
    pub fn of(n: u32) -> Parity {
        if n % 2 == 1 {
            Parity::Odd
        } else {
            Parity::Even
        }
    }

    /// The other side of the street.
    pub fn other(self) -> Parity {
        match self {
            Parity::Odd => Parity::Even,
            Parity::Even => Parity::Odd,
        }
    }
}

/// The id of the `index`-th route of a city (0-based): `almaty-R01`, `almaty-R02`, … `almaty-R100`.
///
/// Quota cells use the same ids, so a cell belongs to a route position whatever street it was drawn on.
pub fn route_id(city: &str, index: usize) -> String {
    format!("{city}-R{:02}", index + 1)
}

/// One drawn route: its start point and everything the walk needs about its street, so that a device
/// can walk it without the frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub id: String,
    /// The street's Russian name, as in the election lists.
    pub street: String,
    /// The start house number (a string, as addresses are; the draw only produces whole numbers).
    #[serde(with = "house_number")]
    pub start_house: u32,
    pub direction: Direction,
    pub street_kk: String,
    pub district: String,
    /// The side the route starts on (the start house's parity); `None` for a microdistrict.
    pub side: Option<Parity>,
    pub from_number: u32,
    pub to_number: u32,
    pub odd_side: Option<Hand>,
    pub building_type: BuildingType,
    pub dwellings: Option<u32>,
    /// The frame line of the street, to trace the route back to its source row.
    pub frame_line: u64,
}

/// The routes drawn for one city, with the seed and the options that reproduce them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteDraw {
    pub city: String,
    pub seed: u64,
    pub routes: Vec<Route>,
    /// Whether streets were drawn with probability proportional to their dwellings.
    pub weighted: bool,
    /// The SHA-256 (lowercase hex) of the frame file's bytes the draw was made from, set by the caller
    /// that read the file (this crate reads none), so a stored draw names the exact frame it replays from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_sha256: Option<String>,
}

impl RouteDraw {
    /// The draw as pretty JSON, the form `dala routes draw --json` prints and storage keeps.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a route draw always serializes")
    }
}

/// Draws `k` routes for `city` from the frame with the given seed.
///
/// Errors: the city has no street in the frame; fewer streets (with positive dwellings, if weighted)
/// than routes; a weighted draw over streets whose dwellings are unknown.
pub fn draw_routes(frame: &Frame, city: &str, seed: u64, k: u32, weighted: bool) -> Result<RouteDraw, FieldworkError> {
    let mut pool = draw_pool(frame, city, k, weighted)?;
    let mut stream = rng::stream(seed);
    let mut routes = Vec::with_capacity(k as usize);
    for index in 0..k as usize {
        let pick = if weighted {
            let total: u64 = pool.iter().map(|s| u64::from(s.dwellings.unwrap_or(0))).sum();
            let mut ticket = rng::below(&mut stream, total);
            let mut chosen = pool.len() - 1;
            for (i, s) in pool.iter().enumerate() {
                let w = u64::from(s.dwellings.unwrap_or(0));
                if ticket < w {
                    chosen = i;
                    break;
                }
                ticket -= w;
            }
            chosen
        } else {
            rng::below(&mut stream, pool.len() as u64) as usize
        };
        let street = pool.remove(pick);
        let span = u64::from(street.to_number - street.from_number) + 1;
        let start_house = street.from_number + rng::below(&mut stream, span) as u32;
        // The direction is drawn for every route so that the stream's layout does not depend on the
        // street; a microdistrict is then walked in ascending building numbers, as the protocol says.
        let drawn = if rng::below(&mut stream, 2) == 0 { Direction::Ascending } else { Direction::Descending };
        let direction = if street.odd_side.is_some() { drawn } else { Direction::Ascending };
        routes.push(Route {
            id: route_id(city, index),
            street: street.street_ru.clone(),
            start_house,
            direction,
            street_kk: street.street_kk.clone(),
            district: street.district.clone(),
            side: street.odd_side.map(|_| Parity::of(start_house)),
            from_number: street.from_number,
            to_number: street.to_number,
            odd_side: street.odd_side,
            building_type: street.building_type,
            dwellings: street.dwellings,
            frame_line: street.line,
        });
    }
    Ok(RouteDraw { city: city.to_string(), seed, routes, weighted, frame_sha256: None })
}

/// The streets a draw of `k` routes chooses from, in frame order: the city's streets, without those with
/// 0 dwellings when `weighted`. The same checks as [`draw_routes`] (the route draw and the inclusion
/// probabilities of [`crate::weights`] share this function, so they cannot disagree on the pool).
pub(crate) fn draw_pool<'f>(frame: &'f Frame, city: &str, k: u32, weighted: bool) -> Result<Vec<&'f Street>, FieldworkError> {
    let mut pool: Vec<&Street> = frame.streets.iter().filter(|s| s.city == city).collect();
    if pool.is_empty() {
        return Err(FieldworkError::UnknownCity { city: city.to_string() });
    }
    if weighted {
        let missing: Vec<u64> = pool.iter().filter(|s| s.dwellings.is_none()).map(|s| s.line).collect();
        if !missing.is_empty() {
            return Err(FieldworkError::MissingDwellings { city: city.to_string(), lines: missing });
        }
        // A street with no dwellings can never be drawn by size; it is left out of the pool.
        pool.retain(|s| s.dwellings.unwrap_or(0) > 0);
    }
    if (pool.len() as u64) < u64::from(k) {
        return Err(FieldworkError::NotEnoughStreets { city: city.to_string(), requested: k, available: pool.len() as u32 });
    }
    Ok(pool)
}

/// House numbers travel as strings in JSON (`"start_house": "37"`), as addresses do.
mod house_number {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(n: &u32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&n.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let text = String::deserialize(d)?;
        text.trim().parse().map_err(|_| serde::de::Error::custom(format!("\"{text}\" is not a whole house number")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::parse_frame;
    use proptest::prelude::*;

    const SMALL: &str = "\
city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings
almaty,проспект Абая,Абай даңғылы,Бостандыкский,1,190,left,flats,5200
almaty,улица Толе би,Төле би көшесі,Алмалинский,1,300,right,mixed,4100
almaty,улица Жандосова,Жандосов көшесі,Ауэзовский,1,180,left,mixed,2400
almaty,микрорайон Самал-2,Самал-2 шағын ауданы,Медеуский,1,110,,flats,3300
almaty,улица Тимирязева,Тимирязев көшесі,Бостандыкский,1,120,right,flats,0
";

    #[test]
    fn the_draw_is_reproducible_byte_for_byte() {
        let frame = parse_frame(SMALL).unwrap();
        let draw = draw_routes(&frame, "almaty", 2010, 3, false).unwrap();
        assert_eq!(draw.to_json(), draw_routes(&frame, "almaty", 2010, 3, false).unwrap().to_json());
        // The golden output: it must never change, or stored route draws would no longer replay.
        assert_eq!(draw.to_json(), GOLDEN_UNWEIGHTED);
        let back: RouteDraw = serde_json::from_str(GOLDEN_UNWEIGHTED).unwrap();
        assert_eq!(back, draw);
    }

    const GOLDEN_UNWEIGHTED: &str = r#"{
  "city": "almaty",
  "seed": 2010,
  "routes": [
    {
      "id": "almaty-R01",
      "street": "улица Толе би",
      "start_house": "70",
      "direction": "descending",
      "street_kk": "Төле би көшесі",
      "district": "Алмалинский",
      "side": "even",
      "from_number": 1,
      "to_number": 300,
      "odd_side": "right",
      "building_type": "mixed",
      "dwellings": 4100,
      "frame_line": 3
    },
    {
      "id": "almaty-R02",
      "street": "проспект Абая",
      "start_house": "74",
      "direction": "descending",
      "street_kk": "Абай даңғылы",
      "district": "Бостандыкский",
      "side": "even",
      "from_number": 1,
      "to_number": 190,
      "odd_side": "left",
      "building_type": "flats",
      "dwellings": 5200,
      "frame_line": 2
    },
    {
      "id": "almaty-R03",
      "street": "микрорайон Самал-2",
      "start_house": "30",
      "direction": "ascending",
      "street_kk": "Самал-2 шағын ауданы",
      "district": "Медеуский",
      "side": null,
      "from_number": 1,
      "to_number": 110,
      "odd_side": null,
      "building_type": "flats",
      "dwellings": 3300,
      "frame_line": 5
    }
  ],
  "weighted": false
}"#;

    #[test]
    fn the_weighted_draw_is_reproducible_and_skips_empty_streets() {
        let frame = parse_frame(SMALL).unwrap();
        let draw = draw_routes(&frame, "almaty", 7, 4, true).unwrap();
        assert!(draw.weighted);
        assert!(draw.routes.iter().all(|r| r.street != "улица Тимирязева"), "a street with 0 dwellings is never drawn by size");
        assert_eq!(draw.to_json(), GOLDEN_WEIGHTED);
        assert!(matches!(
            draw_routes(&frame, "almaty", 7, 5, true),
            Err(FieldworkError::NotEnoughStreets { requested: 5, available: 4, .. })
        ));
    }

    const GOLDEN_WEIGHTED: &str = r#"{
  "city": "almaty",
  "seed": 7,
  "routes": [
    {
      "id": "almaty-R01",
      "street": "микрорайон Самал-2",
      "start_house": "91",
      "direction": "ascending",
      "street_kk": "Самал-2 шағын ауданы",
      "district": "Медеуский",
      "side": null,
      "from_number": 1,
      "to_number": 110,
      "odd_side": null,
      "building_type": "flats",
      "dwellings": 3300,
      "frame_line": 5
    },
    {
      "id": "almaty-R02",
      "street": "улица Толе би",
      "start_house": "255",
      "direction": "ascending",
      "street_kk": "Төле би көшесі",
      "district": "Алмалинский",
      "side": "odd",
      "from_number": 1,
      "to_number": 300,
      "odd_side": "right",
      "building_type": "mixed",
      "dwellings": 4100,
      "frame_line": 3
    },
    {
      "id": "almaty-R03",
      "street": "проспект Абая",
      "start_house": "72",
      "direction": "ascending",
      "street_kk": "Абай даңғылы",
      "district": "Бостандыкский",
      "side": "even",
      "from_number": 1,
      "to_number": 190,
      "odd_side": "left",
      "building_type": "flats",
      "dwellings": 5200,
      "frame_line": 2
    },
    {
      "id": "almaty-R04",
      "street": "улица Жандосова",
      "start_house": "177",
      "direction": "ascending",
      "street_kk": "Жандосов көшесі",
      "district": "Ауэзовский",
      "side": "odd",
      "from_number": 1,
      "to_number": 180,
      "odd_side": "left",
      "building_type": "mixed",
      "dwellings": 2400,
      "frame_line": 4
    }
  ],
  "weighted": true
}"#;

    #[test]
    fn the_json_has_the_documented_shape() {
        let frame = parse_frame(SMALL).unwrap();
        let draw = draw_routes(&frame, "almaty", 1, 5, false).unwrap();
        let v: serde_json::Value = serde_json::from_str(&draw.to_json()).unwrap();
        assert_eq!(v["city"], "almaty");
        assert_eq!(v["seed"], 1);
        let ids: Vec<&str> = v["routes"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["almaty-R01", "almaty-R02", "almaty-R03", "almaty-R04", "almaty-R05"]);
        for r in v["routes"].as_array().unwrap() {
            assert!(r["street"].is_string() && r["start_house"].is_string());
            assert!(r["direction"] == "ascending" || r["direction"] == "descending");
        }
        let samal = draw.routes.iter().find(|r| r.street == "микрорайон Самал-2").unwrap();
        assert_eq!((samal.direction, samal.side), (Direction::Ascending, None), "a microdistrict is walked in ascending numbers");
    }

    #[test]
    fn impossible_draws_are_typed_errors() {
        let frame = parse_frame(SMALL).unwrap();
        assert!(matches!(draw_routes(&frame, "astana", 1, 1, false), Err(FieldworkError::UnknownCity { .. })));
        assert!(matches!(
            draw_routes(&frame, "almaty", 1, 6, false),
            Err(FieldworkError::NotEnoughStreets { requested: 6, available: 5, .. })
        ));
        let partial = parse_frame("city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings\nx,a,b,,1,9,left,houses,\nx,c,d,,1,9,left,houses,5\n").unwrap();
        assert!(matches!(draw_routes(&partial, "x", 1, 1, true), Err(FieldworkError::MissingDwellings { ref lines, .. }) if lines == &[2]));
        assert_eq!(draw_routes(&partial, "x", 1, 0, false).unwrap().routes, []);
    }

    #[test]
    fn route_ids_widen_past_99() {
        assert_eq!(route_id("astana", 0), "astana-R01");
        assert_eq!(route_id("astana", 98), "astana-R99");
        assert_eq!(route_id("astana", 99), "astana-R100");
    }

    fn arbitrary_frame() -> impl Strategy<Value = String> {
        prop::collection::vec((1u32..500, 0u32..400, 0u8..3, 0u8..3, prop::option::of(0u32..5000)), 1..40).prop_map(|rows| {
            let mut text = String::from("city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings\n");
            for (i, (from, extra, side, kind, dwellings)) in rows.into_iter().enumerate() {
                let side = ["left", "right", ""][side as usize];
                let kind = ["houses", "flats", "mixed"][kind as usize];
                let dwellings = dwellings.map_or(String::new(), |d| d.to_string());
                text.push_str(&format!("c,street {i},көше {i},d,{from},{},{side},{kind},{dwellings}\n", from + extra));
            }
            text
        })
    }

    proptest! {
        #[test]
        fn the_draw_never_panics_and_never_repeats_a_street(text in arbitrary_frame(), seed in any::<u64>(), k in 0u32..45, weighted in any::<bool>()) {
            let frame = parse_frame(&text).unwrap();
            match draw_routes(&frame, "c", seed, k, weighted) {
                Ok(draw) => {
                    prop_assert_eq!(draw.routes.len() as u32, k);
                    let mut lines: Vec<u64> = draw.routes.iter().map(|r| r.frame_line).collect();
                    lines.sort_unstable();
                    lines.dedup();
                    prop_assert_eq!(lines.len() as u32, k, "a street was drawn twice");
                    for r in &draw.routes {
                        prop_assert!(r.from_number <= r.start_house && r.start_house <= r.to_number);
                        if weighted {
                            prop_assert!(r.dwellings.unwrap_or(0) > 0);
                        }
                    }
                    prop_assert_eq!(&draw, &draw_routes(&frame, "c", seed, k, weighted).unwrap());
                }
                Err(FieldworkError::NotEnoughStreets { requested, available, .. }) => prop_assert!(available < requested),
                Err(FieldworkError::MissingDwellings { .. }) => prop_assert!(weighted),
                Err(e) => prop_assert!(false, "unexpected error {e:?}"),
            }
        }
    }
}
