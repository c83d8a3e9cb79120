//! Storage of random-route fieldwork: route draws, routes, addresses, visits and their journal.
//!
//! The store keeps the fieldwork domain objects (`dala-fieldwork`) as JSON documents next to the
//! relational columns supervisors query (city, route, outcome, disposition, respondent sex). It does
//! not depend on the domain crate: the session layer serialises. **Invariant:** an address row, its
//! new visit row and the journal entry are written in one transaction, so the `visits` table always
//! agrees with the contact log in `addresses.log`. The writes are also [`Batch`] methods, so an action
//! that changes an interview and its address (start, complete, break-off) commits them together.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use crate::{Batch, InterviewStatus, Result, Store, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub struct RouteRow {
    pub id: String,
    pub city: String,
    pub street: String,
    pub route: String,
    pub quota: String,
    pub walk: String,
    pub assigned_to: Option<String>,
    pub seed: i64,
}

/// A stored route draw (migration 4 added the frame's hash; `None` for draws stored before).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawRow {
    pub city: String,
    pub seed: u64,
    pub weighted: bool,
    pub frame_sha256: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AddressRow {
    pub key: String,
    pub route_id: String,
    pub address: String,
    pub log: String,
    pub visits: u32,
    pub disposition: Option<String>,
    pub screening: Option<String>,
    pub interview_id: Option<String>,
    pub respondent_sex: Option<String>,
}

/// An interview and the address it was started from ([`Store::interview_addresses`]).
#[derive(Clone, Debug, PartialEq)]
pub struct InterviewAddress {
    pub interview_id: String,
    pub status: InterviewStatus,
    pub address: Option<AddressRow>,
}

/// A visit to add with an address update.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitRow {
    pub n: u32,
    pub at: String,
    pub outcome: u16,
    pub visit: String,
}

/// A route of a new draw: id, street, and the route, quota and walk documents.
pub struct NewRoute<'a> {
    pub id: &'a str,
    pub street: &'a str,
    pub route: String,
    pub quota: String,
    pub walk: String,
}

fn route_row(r: &rusqlite::Row) -> rusqlite::Result<RouteRow> {
    Ok(RouteRow {
        id: r.get(0)?,
        city: r.get(1)?,
        street: r.get(2)?,
        route: r.get(3)?,
        quota: r.get(4)?,
        walk: r.get(5)?,
        assigned_to: r.get(6)?,
        seed: r.get(7)?,
    })
}

fn address_row(r: &rusqlite::Row) -> rusqlite::Result<AddressRow> {
    Ok(AddressRow {
        key: r.get(0)?,
        route_id: r.get(1)?,
        address: r.get(2)?,
        log: r.get(3)?,
        visits: r.get::<_, i64>(4)? as u32,
        disposition: r.get(5)?,
        screening: r.get(6)?,
        interview_id: r.get(7)?,
        respondent_sex: r.get(8)?,
    })
}

/// Places of a route's quota cell held by interviews in progress, by the respondent's sex.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    pub female: u32,
    pub male: u32,
}

const ROUTE_COLS: &str =
    "r.id, r.city, r.street, r.route, r.quota, r.walk, r.assigned_to, d.seed FROM routes r JOIN route_draws d ON d.city = r.city";
const ADDRESS_COLS: &str = "key, route_id, address, log, visits, disposition, screening, interview_id, respondent_sex FROM addresses";

/// The addresses of one route, in the order they were first stored.
pub(crate) fn route_addresses_sql() -> String {
    format!("SELECT {ADDRESS_COLS} WHERE route_id = ?1 ORDER BY rowid")
}

impl Batch<'_> {
    pub(crate) fn field_journal(&mut self, kind: &str, subject: &str, detail: Option<&str>) -> Result<()> {
        let id = uuid::Uuid::now_v7().to_string();
        let fseq = self.chains.next_fseq as i64;
        let prev = self.chains.field_head;
        let hash = crate::audit::field_link(
            &prev,
            &crate::audit::FieldFields { id: &id, device: self.device_id, fseq, at: &self.at, kind, subject, detail },
        );
        self.exec(
            "INSERT INTO field_journal (id, device_id, at, kind, subject, detail, changed, fseq, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![id, self.device_id, self.at, kind, subject, detail, self.changed, fseq, dala_merge::chain::to_hex(&prev), dala_merge::chain::to_hex(&hash)],
        )?;
        self.chains.next_fseq += 1;
        self.chains.field_head = hash;
        Ok(())
    }

    /// Stores a city's route draw and its routes. A city whose routes already have addresses keeps
    /// its draw: redrawing it would orphan fieldwork ([`StoreError::RoutesInUse`]).
    /// `frame_sha256`: the SHA-256 of the frame file the draw was made from (migration 4).
    pub fn save_route_draw(
        &mut self,
        city: &str,
        seed: u64,
        weighted: bool,
        draw: &str,
        frame_sha256: Option<&str>,
        routes: &[NewRoute],
    ) -> Result<()> {
        let used: i64 =
            self.tx
                .query_row("SELECT count(*) FROM addresses a JOIN routes r ON r.id = a.route_id WHERE r.city = ?1", [city], |r| r.get(0))?;
        if used > 0 {
            return Err(StoreError::RoutesInUse(city.to_string()));
        }
        self.exec("DELETE FROM routes WHERE city = ?1", [city])?;
        self.exec(
            "INSERT INTO route_draws (city, seed, weighted, draw, drawn_at, frame_sha256, ver, changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (city) DO UPDATE SET seed = excluded.seed, weighted = excluded.weighted, draw = excluded.draw,
                 drawn_at = excluded.drawn_at, frame_sha256 = excluded.frame_sha256, ver = excluded.ver, changed = excluded.changed",
            params![city, seed as i64, weighted, draw, self.at, frame_sha256, self.ver, self.changed],
        )?;
        for r in routes {
            self.exec(
                "INSERT INTO routes (id, city, street, route, quota, walk, updated_at, ver, changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![r.id, city, r.street, r.route, r.quota, r.walk, self.at, self.ver, self.changed],
            )?;
        }
        self.field_journal(
            "routes_drawn",
            city,
            Some(
                &serde_json::json!({"seed": seed, "weighted": weighted, "routes": routes.len(), "frame_sha256": frame_sha256}).to_string(),
            ),
        )
    }

    /// Assigns routes to an interviewer or device (`None` unassigns).
    pub fn assign_routes(&mut self, ids: &[String], to: Option<&str>) -> Result<()> {
        for id in ids {
            let n = self.exec(
                "UPDATE routes SET assigned_to = ?2, updated_at = ?3, ver = ?4, changed = ?5 WHERE id = ?1",
                params![id, to, self.at, self.ver, self.changed],
            )?;
            if n == 0 {
                return Err(StoreError::NoRoute(id.clone()));
            }
            self.field_journal("route_assigned", id, Some(&serde_json::json!({"to": to}).to_string()))?;
        }
        Ok(())
    }

    /// Updates a route's quota and/or walk documents with a journal entry describing why.
    pub fn update_route(&mut self, id: &str, quota: Option<&str>, walk: Option<&str>, kind: &str, detail: Option<&str>) -> Result<()> {
        let n = self.exec(
            "UPDATE routes SET quota = coalesce(?2, quota), walk = coalesce(?3, walk), updated_at = ?4, ver = ?5, changed = ?6 WHERE id = ?1",
            params![id, quota, walk, self.at, self.ver, self.changed],
        )?;
        if n == 0 {
            return Err(StoreError::NoRoute(id.to_string()));
        }
        self.field_journal(kind, id, detail)
    }

    /// Inserts or updates an address (and its new visit, if any) with a journal entry. A route's
    /// quota document may be updated with it (the count after a complete).
    pub fn save_address(
        &mut self,
        row: &AddressRow,
        visit: Option<&VisitRow>,
        route_quota: Option<&str>,
        kind: &str,
        detail: Option<&str>,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO addresses (key, route_id, address, log, visits, disposition, screening, interview_id, respondent_sex, updated_at, ver, changed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (key) DO UPDATE SET log = excluded.log, visits = excluded.visits, disposition = excluded.disposition,
                screening = excluded.screening, interview_id = excluded.interview_id, respondent_sex = excluded.respondent_sex, updated_at = excluded.updated_at,
                ver = excluded.ver, changed = excluded.changed",
            params![row.key, row.route_id, row.address, row.log, row.visits as i64, row.disposition, row.screening, row.interview_id, row.respondent_sex, self.at, self.ver, self.changed],
        )?;
        if let Some(v) = visit {
            self.exec(
                "INSERT INTO visits (address_key, n, at, outcome, visit, ver, changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![row.key, v.n as i64, v.at, v.outcome as i64, v.visit, self.ver, self.changed],
            )?;
        }
        if let Some(q) = route_quota {
            let n = self.exec(
                "UPDATE routes SET quota = ?2, updated_at = ?3, ver = ?4, changed = ?5 WHERE id = ?1",
                params![row.route_id, q, self.at, self.ver, self.changed],
            )?;
            if n == 0 {
                return Err(StoreError::NoRoute(row.route_id.clone()));
            }
        }
        self.field_journal(kind, &row.key, detail)
    }

    /// Replaces the document of an already stored visit (an appointment time added after screening)
    /// together with the address's contact log.
    pub fn amend_visit(&mut self, row: &AddressRow, visit: &VisitRow) -> Result<()> {
        let n = self.exec(
            "UPDATE visits SET visit = ?3, ver = ?4, changed = ?5 WHERE address_key = ?1 AND n = ?2",
            params![row.key, visit.n as i64, visit.visit, self.ver, self.changed],
        )?;
        if n == 0 {
            return Err(StoreError::Corrupt(format!("visit {} of {} is not stored", visit.n, row.key)));
        }
        self.exec(
            "UPDATE addresses SET log = ?2, updated_at = ?3, ver = ?4, changed = ?5 WHERE key = ?1",
            params![row.key, row.log, self.at, self.ver, self.changed],
        )?;
        self.field_journal("visit_amended", &row.key, Some(&serde_json::json!({"n": visit.n}).to_string()))
    }
}

impl Store {
    #[allow(clippy::too_many_arguments)]
    pub fn save_route_draw(
        &mut self,
        city: &str,
        seed: u64,
        weighted: bool,
        draw: &str,
        frame_sha256: Option<&str>,
        routes: &[NewRoute],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut b = self.batch(now)?;
        b.save_route_draw(city, seed, weighted, draw, frame_sha256, routes)?;
        b.commit()
    }

    /// Every city's stored route draw: (city, seed, weighted, SHA-256 of its frame file when known).
    pub fn route_draws(&self) -> Result<Vec<DrawRow>> {
        let mut stmt = self.conn.prepare_cached("SELECT city, seed, weighted, frame_sha256 FROM route_draws ORDER BY city")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(DrawRow { city: r.get(0)?, seed: r.get::<_, i64>(1)? as u64, weighted: r.get(2)?, frame_sha256: r.get(3)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn routes(&self) -> Result<Vec<RouteRow>> {
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {ROUTE_COLS} ORDER BY r.city, r.id"))?;
        let rows = stmt.query_map([], route_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn route(&self, id: &str) -> Result<RouteRow> {
        self.conn
            .prepare_cached(&format!("SELECT {ROUTE_COLS} WHERE r.id = ?1"))?
            .query_row([id], route_row)
            .optional()?
            .ok_or_else(|| StoreError::NoRoute(id.to_string()))
    }

    pub fn assign_routes(&mut self, ids: &[String], to: Option<&str>, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.assign_routes(ids, to)?;
        b.commit()
    }

    pub fn update_route(
        &mut self,
        id: &str,
        quota: Option<&str>,
        walk: Option<&str>,
        kind: &str,
        detail: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut b = self.batch(now)?;
        b.update_route(id, quota, walk, kind, detail)?;
        b.commit()
    }

    pub fn address(&self, key: &str) -> Result<Option<AddressRow>> {
        Ok(self.conn.prepare_cached(&format!("SELECT {ADDRESS_COLS} WHERE key = ?1"))?.query_row([key], address_row).optional()?)
    }

    pub fn addresses(&self, route: Option<&str>) -> Result<Vec<AddressRow>> {
        // Two statements, not `?1 IS NULL OR route_id = ?1`: SQLite plans that as a scan of every
        // address of the device, and a route's addresses are read at every step of its walk.
        let mut stmt = match route {
            Some(_) => self.conn.prepare_cached(&route_addresses_sql())?,
            None => self.conn.prepare_cached(&format!("SELECT {ADDRESS_COLS} ORDER BY rowid"))?,
        };
        let rows = match route {
            Some(r) => stmt.query_map([r], address_row)?.collect::<rusqlite::Result<Vec<_>>>()?,
            None => stmt.query_map([], address_row)?.collect::<rusqlite::Result<Vec<_>>>()?,
        };
        Ok(rows)
    }

    /// Inserts or updates an address (and its new visit, if any) with a journal entry, atomically.
    pub fn save_address(
        &mut self,
        row: &AddressRow,
        visit: Option<&VisitRow>,
        route_quota: Option<&str>,
        kind: &str,
        detail: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut b = self.batch(now)?;
        b.save_address(row, visit, route_quota, kind, detail)?;
        b.commit()
    }

    pub fn amend_visit(&mut self, row: &AddressRow, visit: &VisitRow, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.amend_visit(row, visit)?;
        b.commit()
    }

    /// The address an interview was started from, if any.
    pub fn address_of_interview(&self, interview: &str) -> Result<Option<AddressRow>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {ADDRESS_COLS} WHERE interview_id = ?1"))?
            .query_row([interview], address_row)
            .optional()?)
    }

    /// The places of a route's cell held by interviews in progress started from its addresses (a
    /// completed or broken-off interview holds none), leaving out the address `except` (an address
    /// never holds a place against itself).
    pub fn held_places(&self, route: &str, except: Option<&str>) -> Result<Held> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.respondent_sex, count(*) FROM addresses a JOIN interviews i ON i.id = a.interview_id
             WHERE a.route_id = ?1 AND i.status = 'in_progress' AND a.disposition IS NULL AND (?2 IS NULL OR a.key <> ?2) GROUP BY a.respondent_sex",
        )?;
        let mut held = Held::default();
        for row in stmt.query_map(params![route, except], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?)))? {
            match row? {
                (Some(s), n) if s == "female" => held.female += n as u32,
                (Some(s), n) if s == "male" => held.male += n as u32,
                _ => {}
            }
        }
        Ok(held)
    }

    /// A city's stored route draw document (the `RouteDraw` JSON the draw was stored with), to replay it.
    pub fn route_draw_document(&self, city: &str) -> Result<Option<String>> {
        Ok(self.conn.prepare_cached("SELECT draw FROM route_draws WHERE city = ?1")?.query_row([city], |r| r.get(0)).optional()?)
    }

    /// Every interview (id, status) with the address it was started from, if any, in interview id
    /// order: what the design weights read, without the answers. An interview linked from several
    /// addresses (never written by Dala) comes once per address.
    /// Every interview with its address (none, or one row per address linked to it), by interview id
    /// then address key, handed to `f` one at a time: memory holds one row, whatever the database's size.
    pub fn for_each_interview_address<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(InterviewAddress) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT i.id, i.status, a.key, a.route_id, a.address, a.log, a.visits, a.disposition, a.screening, a.interview_id, a.respondent_sex
             FROM interviews i LEFT JOIN addresses a ON a.interview_id = i.id ORDER BY i.id, a.key",
            )
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let row = (|| -> Result<InterviewAddress> {
                let status: String = r.get(1)?;
                let key: Option<String> = r.get(2)?;
                let address = match key {
                    Some(key) => Some(AddressRow {
                        key,
                        route_id: r.get(3)?,
                        address: r.get(4)?,
                        log: r.get(5)?,
                        visits: r.get::<_, i64>(6)? as u32,
                        disposition: r.get(7)?,
                        screening: r.get(8)?,
                        interview_id: r.get(9)?,
                        respondent_sex: r.get(10)?,
                    }),
                    None => None,
                };
                Ok(InterviewAddress { interview_id: r.get(0)?, status: InterviewStatus::parse(&status)?, address })
            })()?;
            f(row)?;
        }
        Ok(())
    }

    pub fn visit_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT count(*) FROM visits", [], |r| r.get::<_, i64>(0))? as u64)
    }
}
