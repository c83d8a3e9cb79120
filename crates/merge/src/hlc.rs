//! Hybrid logical clocks (Kulkarni et al. 2014): a stamp is the wall time in milliseconds and a
//! counter. Stamps of one device only go forward, even when its wall clock steps back; a stamp taken
//! after seeing another device's stamp is greater than it (happened-before is kept); and stamps stay
//! close to real time. The wall time is passed in: this crate has no clock of its own.

use serde::{Deserialize, Serialize};

/// A hybrid logical time: ordered by wall time, then counter.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch (the largest wall time seen, not necessarily this device's).
    pub wall_ms: u64,
    /// Events within the same millisecond.
    pub counter: u32,
}

impl Hlc {
    fn after(self) -> Hlc {
        match self.counter.checked_add(1) {
            Some(counter) => Hlc { wall_ms: self.wall_ms, counter },
            // Four billion events in one millisecond cannot happen; if it did, time moves on by 1 ms.
            None => Hlc { wall_ms: self.wall_ms + 1, counter: 0 },
        }
    }
}

/// Why a remote stamp was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The remote stamp is further ahead of this device's wall time than the allowed skew: a wrong
    /// device clock (or a forged stamp) would otherwise drag every later stamp into the future.
    #[error("a stamp {ahead_ms} ms ahead of this device's clock (at most {max_ms} ms allowed)")]
    TooFarAhead { ahead_ms: u64, max_ms: u64 },
}

/// One device's clock.
#[derive(Clone, Debug)]
pub struct Clock {
    last: Hlc,
    max_ahead_ms: u64,
}

impl Clock {
    /// A clock that has issued nothing yet and accepts remote stamps at most `max_ahead_ms` ahead.
    pub fn new(max_ahead_ms: u64) -> Clock {
        Clock { last: Hlc::default(), max_ahead_ms }
    }

    /// A clock that goes on from the last stamp it issued (read back from storage).
    pub fn resume(last: Hlc, max_ahead_ms: u64) -> Clock {
        Clock { last, max_ahead_ms }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    /// The stamp of a local event happening at wall time `wall_ms`.
    pub fn tick(&mut self, wall_ms: u64) -> Hlc {
        let next = if wall_ms > self.last.wall_ms { Hlc { wall_ms, counter: 0 } } else { self.last.after() };
        self.last = next;
        next
    }

    /// Takes in a stamp received from another device at wall time `wall_ms`; the returned stamp is
    /// greater than both the remote one and every stamp this clock issued before.
    pub fn observe(&mut self, remote: Hlc, wall_ms: u64) -> Result<Hlc, ClockError> {
        let ahead_ms = remote.wall_ms.saturating_sub(wall_ms);
        if ahead_ms > self.max_ahead_ms {
            return Err(ClockError::TooFarAhead { ahead_ms, max_ms: self.max_ahead_ms });
        }
        let top = self.last.max(remote);
        let next = if wall_ms > top.wall_ms { Hlc { wall_ms, counter: 0 } } else { top.after() };
        self.last = next;
        Ok(next)
    }
}

/// The text form of a stamp, `"000001273832100000.0000000003"`-like: the wall time in 15 digits, a dot, the
/// counter in 10 digits. Fixed widths make text order equal to stamp order, so a database can compare
/// and index stamps as plain text.
impl std::fmt::Display for Hlc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:015}.{:010}", self.wall_ms, self.counter)
    }
}

/// A stamp's text form could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a clock stamp")]
pub struct BadStamp(pub String);

impl std::str::FromStr for Hlc {
    type Err = BadStamp;
    fn from_str(s: &str) -> Result<Hlc, BadStamp> {
        let bad = || BadStamp(s.chars().take(40).collect());
        let (wall, counter) = s.split_once('.').ok_or_else(bad)?;
        if wall.len() != 15 || counter.len() != 10 || !wall.bytes().chain(counter.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Ok(Hlc { wall_ms: wall.parse().map_err(|_| bad())?, counter: counter.parse().map_err(|_| bad())? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_go_forward_when_the_wall_clock_steps_back() {
        let mut c = Clock::new(60_000);
        let a = c.tick(1_000);
        let b = c.tick(1_000);
        let d = c.tick(400); // the device clock was set back
        let e = c.tick(2_000);
        assert!(a < b && b < d && d < e, "{a:?} {b:?} {d:?} {e:?}");
        assert_eq!((d.wall_ms, d.counter), (1_000, 2), "stays at the largest wall time seen");
        assert_eq!(e, Hlc { wall_ms: 2_000, counter: 0 });
    }

    #[test]
    fn a_stamp_after_a_received_one_is_greater_and_a_far_future_one_is_refused() {
        let mut a = Clock::new(60_000);
        let mut b = Clock::new(60_000);
        let sent = a.tick(10_000);
        // b's wall clock is 5 s behind a's: what it stamps after receiving still comes after.
        let seen = b.observe(sent, 5_000).unwrap();
        assert!(seen > sent);
        assert!(b.tick(5_001) > sent);
        // A stamp two hours ahead of b's clock is refused and changes nothing.
        let before = b.last();
        let far = Hlc { wall_ms: 5_000 + 7_200_000, counter: 0 };
        assert_eq!(b.observe(far, 5_000), Err(ClockError::TooFarAhead { ahead_ms: 7_200_000, max_ms: 60_000 }));
        assert_eq!(b.last(), before);
    }

    #[test]
    fn the_counter_never_wraps() {
        let mut c = Clock::resume(Hlc { wall_ms: 7, counter: u32::MAX }, 0);
        assert_eq!(c.tick(7), Hlc { wall_ms: 8, counter: 0 });
    }

    #[test]
    fn text_form_round_trips_and_sorts_like_the_stamps() {
        let a = Hlc { wall_ms: 1_273_832_100_000, counter: 3 };
        let b = Hlc { wall_ms: 1_273_832_100_000, counter: 12 };
        let c = Hlc { wall_ms: 1_273_832_100_001, counter: 0 };
        for h in [a, b, c, Hlc::default(), Hlc { wall_ms: 999_999_999_999_999, counter: u32::MAX }] {
            assert_eq!(h.to_string().parse::<Hlc>(), Ok(h));
        }
        assert!(a.to_string() < b.to_string() && b.to_string() < c.to_string());
        for bad in ["", "1.2", "0000012738321000000000000003", "000001273832100.000000000x", "000001273832100.00000000003"] {
            assert!(bad.parse::<Hlc>().is_err(), "{bad}");
        }
    }
}
