//! Where a route goes when its street runs out: the protocol's crossing rule, or a seeded draw.
//!
//! The protocol turns right at a crossing, else goes straight on, else turns left. When the frame
//! knows the crossing at the end of the street the walk leaves by ([`crate::frame::Street::turns_low`]
//! / `turns_high`), [`continuation`] takes the first of right, straight and left that leads to a
//! street the route has not walked yet. Otherwise (no crossing data, a dead end, a microdistrict, or
//! every arm already walked) it draws a street uniformly from the city's streets the route has not
//! walked, a start house and a direction, with the ChaCha20 stream of the seed the caller passes and
//! stores, exactly as the route draw does ([`crate::draw`]): the same frame, walk and seed give the
//! same continuation on any machine.

use serde::{Deserialize, Serialize};

use crate::draw::Direction;
use crate::error::FieldworkError;
use crate::frame::{Frame, Street, TurnTarget};
use crate::rng;
use crate::walk::{Segment, StreetEnd, WalkState};

/// Which arm of the crossing the walk took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Turn {
    Right,
    Straight,
    Left,
}

/// How a continuation was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum ContinuationBy {
    /// The crossing rule at the end of the street.
    Crossing { turn: Turn },
    /// A street drawn from the city's unused streets with this seed.
    Drawn { seed: u64 },
}

/// The next segment of a route and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Continuation {
    pub segment: Segment,
    pub by: ContinuationBy,
}

fn segment_of(street: &Street, start_house: u32, direction: Direction) -> Segment {
    Segment {
        street_ru: street.street_ru.clone(),
        street_kk: street.street_kk.clone(),
        from_number: street.from_number,
        to_number: street.to_number,
        odd_side: street.odd_side,
        building_type: street.building_type,
        start_house,
        // A microdistrict is walked in ascending numbers, as in the route draw.
        direction: if street.odd_side.is_some() { direction } else { Direction::Ascending },
    }
}

/// The continuation of a walk whose route has run out, in `city` of the frame.
///
/// Errors: [`FieldworkError::NotEnoughStreets`] when every street of the city has been walked.
pub fn continuation(frame: &Frame, city: &str, walk: &WalkState, seed: u64) -> Result<Continuation, FieldworkError> {
    let used = |name: &str| walk.segments().iter().any(|s| s.street_ru.to_lowercase() == name.to_lowercase());
    let find = |name: &str| frame.city(city).find(|s| s.street_ru.to_lowercase() == name.to_lowercase());
    if let (Some(end), Some(current)) = (walk.exit_end(), walk.segments().last()) {
        let turns = find(&current.street_ru).and_then(|s| match end {
            StreetEnd::Low => s.turns_low.clone(),
            StreetEnd::High => s.turns_high.clone(),
        });
        if let Some(turns) = turns {
            let arms: [(Turn, &Option<TurnTarget>); 3] =
                [(Turn::Right, &turns.right), (Turn::Straight, &turns.straight), (Turn::Left, &turns.left)];
            for (turn, target) in arms {
                let Some(t) = target else { continue };
                if used(&t.street_ru) {
                    continue;
                }
                if let Some(street) = find(&t.street_ru) {
                    return Ok(Continuation {
                        segment: segment_of(street, t.start_house, t.direction),
                        by: ContinuationBy::Crossing { turn },
                    });
                }
            }
        }
    }
    let pool: Vec<&Street> = frame.city(city).filter(|s| !used(&s.street_ru)).collect();
    if pool.is_empty() {
        return Err(FieldworkError::NotEnoughStreets { city: city.to_string(), requested: 1, available: 0 });
    }
    let mut stream = rng::stream(seed);
    let street = pool[rng::below(&mut stream, pool.len() as u64) as usize];
    let start = street.from_number + rng::below(&mut stream, u64::from(street.to_number - street.from_number) + 1) as u32;
    let direction = if rng::below(&mut stream, 2) == 0 { Direction::Ascending } else { Direction::Descending };
    Ok(Continuation { segment: segment_of(street, start, direction), by: ContinuationBy::Drawn { seed } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::parse_frame;
    use crate::walk::{Guidance, WalkRules};

    const RULES: WalkRules = WalkRules { house_interval: 2, flat_interval: 5, max_per_building: u32::MAX, max_per_entrance: u32::MAX };

    const FRAME: &str = "\
city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings,turns_low,turns_high
karaganda,улица Ерубаева,Ерубаев көшесі,Казыбек би,1,9,left,houses,,улица Гоголя 20 desc|улица Абая 9 desc|улица Ленина 1 asc,
karaganda,улица Гоголя,Гоголь көшесі,Казыбек би,1,40,right,houses,,,
karaganda,улица Абая,Абай көшесі,Казыбек би,1,30,left,houses,,,
karaganda,улица Ленина,Ленин көшесі,Казыбек би,1,30,left,houses,,,
karaganda,улица Бухар-Жырау,Бұқар жырау көшесі,Казыбек би,1,60,right,flats,,,
";

    /// A walk of Ерубаева from 3 ascending, walked to its end: it leaves by the low end.
    fn exhausted(frame: &Frame, street: &str) -> WalkState {
        let s = frame.city("karaganda").find(|s| s.street_ru == street).unwrap();
        let mut w = WalkState::from_segment("karaganda-R01", segment_of(s, 3, Direction::Ascending), RULES);
        while let Guidance::Approach { .. } = w.current() {
            w.next_address().unwrap();
        }
        assert!(matches!(w.current(), Guidance::NeedsContinuation { .. }));
        w
    }

    #[test]
    fn the_walk_turns_right_else_straight_else_left() {
        let frame = parse_frame(FRAME).unwrap();
        let mut w = exhausted(&frame, "улица Ерубаева");
        assert_eq!(w.exit_end(), Some(StreetEnd::Low));
        let c = continuation(&frame, "karaganda", &w, 1).unwrap();
        assert_eq!(c.by, ContinuationBy::Crossing { turn: Turn::Right });
        assert_eq!((c.segment.street_ru.as_str(), c.segment.start_house, c.segment.direction), ("улица Гоголя", 20, Direction::Descending));
        // Гоголя walked already (a route that came that way): straight on to Абая, then left to Ленина.
        w.continue_from(c.segment).unwrap();
        let mut twice = w.clone();
        let back = frame.city("karaganda").find(|s| s.street_ru == "улица Ерубаева").unwrap();
        twice.continue_from(segment_of(back, 3, Direction::Ascending)).unwrap();
        while let Guidance::Approach { .. } = twice.current() {
            twice.next_address().unwrap();
        }
        let c = continuation(&frame, "karaganda", &twice, 1).unwrap();
        assert_eq!((c.by, c.segment.street_ru.as_str()), (ContinuationBy::Crossing { turn: Turn::Straight }, "улица Абая"));
    }

    #[test]
    fn without_crossing_data_a_street_is_drawn_from_the_unused_ones_reproducibly() {
        let frame = parse_frame(FRAME).unwrap();
        let w = exhausted(&frame, "улица Абая");
        assert_eq!(w.exit_end(), Some(StreetEnd::Low));
        let a = continuation(&frame, "karaganda", &w, 77).unwrap();
        assert_eq!(a, continuation(&frame, "karaganda", &w, 77).unwrap(), "the same seed gives the same street");
        assert_eq!(a.by, ContinuationBy::Drawn { seed: 77 });
        assert_ne!(a.segment.street_ru, "улица Абая");
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..200 {
            let c = continuation(&frame, "karaganda", &w, seed).unwrap();
            assert!((c.segment.from_number..=c.segment.to_number).contains(&c.segment.start_house));
            seen.insert(c.segment.street_ru);
        }
        assert_eq!(seen.len(), 4, "every unused street can be drawn: {seen:?}");
    }

    #[test]
    fn a_frame_turn_to_an_unknown_street_is_refused_and_old_frames_still_read() {
        let bad = FRAME.replace("улица Ленина 1 asc", "улица Нет 1 asc");
        let errors = parse_frame(&bad).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column.as_deref()), (2, Some("turns_low")));
        let errors = parse_frame(&FRAME.replace("улица Ленина 1 asc", "улица Ленина 1 up")).unwrap_err();
        assert!(errors[0].message.ru.contains("turns_low"), "{:?}", errors[0].message);
        // The nine-column frames of before still read, with no turns.
        let old = "city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings\n\
                   karaganda,улица Абая,Абай көшесі,Казыбек би,1,30,left,houses,\n";
        assert_eq!(parse_frame(old).unwrap().streets[0].turns_low, None);
    }
}
