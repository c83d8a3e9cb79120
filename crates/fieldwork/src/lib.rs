//! Random-route fieldwork for household surveys: the pure domain of issue 3.
//!
//! The crate covers what happens between a study's street lists and its response rates: the study's
//! fieldwork settings ([`settings`]), the sampling frame of streets ([`frame`]), the seeded route draw
//! ([`draw`]), step-by-step walk guidance on a route ([`walk`]), the contact record of every visit and
//! the final AAPOR disposition of every address ([`contact`]), screening and respondent selection
//! under the route's gender quota ([`selection`]; the screening record, household drawn first, in
//! [`screening`]), the allocation of city targets to per-route quota
//! cells and their state ([`quota`]), the AAPOR outcome rates ([`rates`]) and the fieldwork report
//! that combines them ([`report`]).
//!
//! **The crate is pure.** It reads no file, no clock and no global randomness: texts are passed in as
//! strings, times as `chrono::NaiveDateTime`, and every random choice comes from a ChaCha20 stream
//! seeded with a `u64` the caller passes and stores. The same inputs give the same outputs, byte for
//! byte, on any machine; storage, the CLI and the UI are built on top of it (see `docs/fieldwork.md`).
//!
//! ```
//! use dala_fieldwork::{draw::draw_routes, frame::parse_frame};
//!
//! let csv = "city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings\n\
//!            almaty,улица Жандосова,Жандосов көшесі,Бостандыкский,1,180,left,mixed,2400\n\
//!            almaty,улица Тимирязева,Тимирязев көшесі,Бостандыкский,1,120,right,flats,3100\n";
//! let frame = parse_frame(csv).unwrap();
//! let draw = draw_routes(&frame, "almaty", 42, 2, false).unwrap();
//! assert_eq!(draw.routes[0].id, "almaty-R01");
//! assert_eq!(draw_routes(&frame, "almaty", 42, 2, false).unwrap(), draw);
//! ```

pub mod backcheck;
pub mod contact;
pub mod draw;
pub mod error;
pub mod frame;
pub mod house;
pub mod quota;
pub mod rates;
pub mod report;
pub mod rng;
pub mod screening;
pub mod selection;
pub mod settings;
pub mod text;
pub mod turn;
pub mod walk;
pub mod weights;

pub use error::FieldworkError;
pub use text::Localized;

use serde::{Deserialize, Serialize};

/// A person's sex as recorded for the gender quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    /// Both sexes in the order the quota cells list them (female first, as in the KMRS table).
    pub const ALL: [Sex; 2] = [Sex::Female, Sex::Male];

    /// The word for the sex in Russian, Kazakh and English.
    pub fn label(self) -> Localized {
        match self {
            Sex::Female => Localized::new("женщина", "әйел", "female"),
            Sex::Male => Localized::new("мужчина", "ер", "male"),
        }
    }
}
