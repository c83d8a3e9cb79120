//! Helpers shared by the session's fieldwork tests: the KMRS study, the fieldwork clock and the walk
//! to the next address.

use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use dala_questionnaire::Lang;
use dala_session::field::{BuildingInput, GuidanceKind, WalkAction, When};
use dala_session::Session;

pub fn study_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

/// A local time in the week of 2010-10-18 (a Monday).
pub fn at(day: u32, hour: u32) -> When {
    let local = NaiveDate::from_ymd_opt(2010, 10, day).unwrap().and_hms_opt(hour, 0, 0).unwrap();
    When { utc: Utc.from_utc_datetime(&local), local }
}

/// Walks on until the guidance points at an address to approach, describing every building on the way
/// as a single house; returns the address's key.
pub fn approach_next(s: &mut Session, route: &str) -> String {
    for _ in 0..50 {
        let v = s.route_view(route, Lang::Ru).unwrap();
        match v.guidance.kind {
            GuidanceKind::Approach => return v.guidance.address.unwrap().key,
            GuidanceKind::DescribeBuilding => {
                let house = v.guidance.house.unwrap();
                s.walk(route, WalkAction::DescribeBuilding { house, building: BuildingInput::SingleHouse }, at(18, 10), Lang::Ru).unwrap();
            }
            other => panic!("unexpected guidance {other:?}"),
        }
    }
    panic!("no address after 50 buildings");
}
