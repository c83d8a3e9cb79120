//! The schema, as an ordered list of migrations. **Never edit a shipped migration**: append a new one.
//! The position in [`ALL`] (1-based) is the schema version stored in `PRAGMA user_version`.

pub const ALL: &[&str] = &[
    // 1: device, interviews, answers, warning confirmations, the change journal.
    r#"
CREATE TABLE device (
    id          TEXT PRIMARY KEY NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE interviews (
    id                TEXT PRIMARY KEY NOT NULL,
    study_id          TEXT NOT NULL,
    study_version     TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
    language          TEXT NOT NULL CHECK (language IN ('ru', 'kk', 'en')),
    device_id         TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    completed_at      TEXT,
    position_question TEXT,
    position_roster   TEXT
);
CREATE TABLE answers (
    interview_id  TEXT NOT NULL REFERENCES interviews (id),
    question      TEXT NOT NULL,
    roster        TEXT NOT NULL DEFAULT '',
    value         TEXT NOT NULL CHECK (json_valid(value)),
    answered_at   TEXT NOT NULL,
    PRIMARY KEY (interview_id, question, roster)
) WITHOUT ROWID;
CREATE TABLE confirmations (
    interview_id  TEXT NOT NULL REFERENCES interviews (id),
    question      TEXT NOT NULL,
    roster        TEXT NOT NULL DEFAULT '',
    rule          INTEGER NOT NULL,
    confirmed_at  TEXT NOT NULL,
    PRIMARY KEY (interview_id, question, roster, rule)
) WITHOUT ROWID;
CREATE TABLE journal (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    interview_id  TEXT NOT NULL REFERENCES interviews (id),
    device_id     TEXT NOT NULL,
    at            TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('interview_created', 'interview_opened', 'answer_set', 'answer_changed',
                                                'answer_cleared', 'warning_confirmed', 'language_switched', 'interview_completed')),
    question      TEXT,
    roster        TEXT,
    old_value     TEXT,
    new_value     TEXT
);
CREATE INDEX journal_by_interview ON journal (interview_id, seq);
"#,
    // 2: random-route fieldwork: route draws, routes (with quota cell and walk state), addresses with
    // their contact log, one row per visit (for SQL reporting), and the fieldwork journal.
    r#"
CREATE TABLE route_draws (
    city        TEXT PRIMARY KEY NOT NULL,
    seed        INTEGER NOT NULL,
    weighted    INTEGER NOT NULL,
    draw        TEXT NOT NULL CHECK (json_valid(draw)),
    drawn_at    TEXT NOT NULL
);
CREATE TABLE routes (
    id           TEXT PRIMARY KEY NOT NULL,
    city         TEXT NOT NULL REFERENCES route_draws (city),
    street       TEXT NOT NULL,
    route        TEXT NOT NULL CHECK (json_valid(route)),
    quota        TEXT NOT NULL CHECK (json_valid(quota)),
    walk         TEXT NOT NULL CHECK (json_valid(walk)),
    assigned_to  TEXT,
    updated_at   TEXT NOT NULL
);
CREATE TABLE addresses (
    key             TEXT PRIMARY KEY NOT NULL,
    route_id        TEXT NOT NULL REFERENCES routes (id),
    address         TEXT NOT NULL CHECK (json_valid(address)),
    log             TEXT NOT NULL CHECK (json_valid(log)),
    visits          INTEGER NOT NULL DEFAULT 0,
    disposition     TEXT,
    screening       TEXT CHECK (screening IS NULL OR json_valid(screening)),
    interview_id    TEXT REFERENCES interviews (id),
    respondent_sex  TEXT CHECK (respondent_sex IS NULL OR respondent_sex IN ('female', 'male')),
    updated_at      TEXT NOT NULL
);
CREATE INDEX addresses_by_route ON addresses (route_id);
CREATE TABLE visits (
    address_key  TEXT NOT NULL REFERENCES addresses (key),
    n            INTEGER NOT NULL,
    at           TEXT NOT NULL,
    outcome      INTEGER NOT NULL,
    visit        TEXT NOT NULL CHECK (json_valid(visit)),
    PRIMARY KEY (address_key, n)
) WITHOUT ROWID;
CREATE TABLE field_journal (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    device_id  TEXT NOT NULL,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT CHECK (detail IS NULL OR json_valid(detail))
);
"#,
    // 3: an interview can be broken off (status 'broken_off', journal kind 'interview_broken_off').
    // SQLite cannot change a CHECK constraint in place, so both tables are rebuilt the documented way
    // (new table, copy, drop, rename) with foreign keys off and checked before the commit
    // (`Store::from_connection`). Rows, ids and the journal's sequence numbers are kept.
    r#"
CREATE TABLE interviews_v3 (
    id                TEXT PRIMARY KEY NOT NULL,
    study_id          TEXT NOT NULL,
    study_version     TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'broken_off')),
    language          TEXT NOT NULL CHECK (language IN ('ru', 'kk', 'en')),
    device_id         TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    completed_at      TEXT,
    position_question TEXT,
    position_roster   TEXT
);
INSERT INTO interviews_v3 (id, study_id, study_version, status, language, device_id, created_at, updated_at, completed_at, position_question, position_roster)
    SELECT id, study_id, study_version, status, language, device_id, created_at, updated_at, completed_at, position_question, position_roster FROM interviews;
DROP TABLE interviews;
ALTER TABLE interviews_v3 RENAME TO interviews;
CREATE TABLE journal_v3 (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    interview_id  TEXT NOT NULL REFERENCES interviews (id),
    device_id     TEXT NOT NULL,
    at            TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('interview_created', 'interview_opened', 'answer_set', 'answer_changed',
                                                'answer_cleared', 'warning_confirmed', 'language_switched', 'interview_completed',
                                                'interview_broken_off')),
    question      TEXT,
    roster        TEXT,
    old_value     TEXT,
    new_value     TEXT
);
INSERT INTO journal_v3 (seq, id, interview_id, device_id, at, kind, question, roster, old_value, new_value)
    SELECT seq, id, interview_id, device_id, at, kind, question, roster, old_value, new_value FROM journal;
DROP TABLE journal;
ALTER TABLE journal_v3 RENAME TO journal;
CREATE INDEX journal_by_interview ON journal (interview_id, seq);
CREATE INDEX addresses_by_interview ON addresses (interview_id);
"#,
    // 4: an interview can end as a refusal (status 'refused', journal kind 'interview_refused'): the
    // respondent said no to a question the study marks as ending the interview (consent). Both tables
    // are rebuilt the way migration 3 did it; rows, ids and the journal's sequence numbers are kept.
    r#"
CREATE TABLE interviews_v4 (
    id                TEXT PRIMARY KEY NOT NULL,
    study_id          TEXT NOT NULL,
    study_version     TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'broken_off', 'refused')),
    language          TEXT NOT NULL CHECK (language IN ('ru', 'kk', 'en')),
    device_id         TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    completed_at      TEXT,
    position_question TEXT,
    position_roster   TEXT
);
INSERT INTO interviews_v4 (id, study_id, study_version, status, language, device_id, created_at, updated_at, completed_at, position_question, position_roster)
    SELECT id, study_id, study_version, status, language, device_id, created_at, updated_at, completed_at, position_question, position_roster FROM interviews;
DROP TABLE interviews;
ALTER TABLE interviews_v4 RENAME TO interviews;
CREATE TABLE journal_v4 (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    interview_id  TEXT NOT NULL REFERENCES interviews (id),
    device_id     TEXT NOT NULL,
    at            TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('interview_created', 'interview_opened', 'answer_set', 'answer_changed',
                                                'answer_cleared', 'warning_confirmed', 'language_switched', 'interview_completed',
                                                'interview_broken_off', 'interview_refused')),
    question      TEXT,
    roster        TEXT,
    old_value     TEXT,
    new_value     TEXT
);
INSERT INTO journal_v4 (seq, id, interview_id, device_id, at, kind, question, roster, old_value, new_value)
    SELECT seq, id, interview_id, device_id, at, kind, question, roster, old_value, new_value FROM journal;
DROP TABLE journal;
ALTER TABLE journal_v4 RENAME TO journal;
CREATE INDEX journal_by_interview ON journal (interview_id, seq);
"#,
    // 5: the SHA-256 of the frame file each route draw was made from (NULL for draws stored before).
    r#"
ALTER TABLE route_draws ADD COLUMN frame_sha256 TEXT;
"#,
    // 6: the journal's kinds move from a CHECK (kind IN (…ten names…)) to a table the journal refers
    // to. SQLite evaluates a constant IN list of more than two names by building a temporary B-tree at
    // every execution, so every answer's journal entry built one (most of the entry's cost in the
    // issue 7 profile); the foreign key is one index lookup, and a new kind is a row, not a
    // rebuild. The journal is rebuilt the documented way; rows, ids and sequence numbers are kept.
    r#"
CREATE TABLE journal_kinds (kind TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
INSERT INTO journal_kinds (kind) VALUES ('interview_created'), ('interview_opened'), ('answer_set'), ('answer_changed'),
    ('answer_cleared'), ('warning_confirmed'), ('language_switched'), ('interview_completed'), ('interview_broken_off'),
    ('interview_refused');
CREATE TABLE journal_v6 (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    interview_id  TEXT NOT NULL REFERENCES interviews (id),
    device_id     TEXT NOT NULL,
    at            TEXT NOT NULL,
    kind          TEXT NOT NULL REFERENCES journal_kinds (kind),
    question      TEXT,
    roster        TEXT,
    old_value     TEXT,
    new_value     TEXT
);
INSERT INTO journal_v6 (seq, id, interview_id, device_id, at, kind, question, roster, old_value, new_value)
    SELECT seq, id, interview_id, device_id, at, kind, question, roster, old_value, new_value FROM journal;
DROP TABLE journal;
ALTER TABLE journal_v6 RENAME TO journal;
CREATE INDEX journal_by_interview ON journal (interview_id, seq);
"#,
    // 7: sync (issue 8). Every replicated row carries its version `ver` ("<hlc>@<device>": the
    // hybrid-logical-clock stamp of the change that wrote it and the device that made it; text order is
    // version order) and `changed` (this database's own clock when the row last changed here, locally
    // or by an import: what "since the last export" selects). Journal entries carry the device's own
    // sequence number `dseq` (unique with the device id: the entry's identity everywhere), their stamp
    // `hlc` and, for answer changes, the versions they replaced (`replaces`, a JSON list of version
    // texts). `answer_heads` holds an answer's heads when they are not just the stored answer (cleared,
    // or in conflict). Interviews gain the supervisor's `review` (approved; rejected: back to its
    // interviewer, in progress again; corrected: completed again after a rejection). Existing rows are given versions from
    // their own times and this device's id; each answer change replaces the one before it.
    r#"
ALTER TABLE journal ADD COLUMN dseq INTEGER;
ALTER TABLE journal ADD COLUMN hlc TEXT;
ALTER TABLE journal ADD COLUMN replaces TEXT CHECK (replaces IS NULL OR json_valid(replaces));
ALTER TABLE journal ADD COLUMN changed TEXT;
UPDATE journal SET dseq = seq, hlc = printf('%015d.%010d', CAST(round(unixepoch(at, 'subsec') * 1000) AS INTEGER), seq);
UPDATE journal SET changed = hlc;
UPDATE journal SET replaces = p.r FROM (
    SELECT seq, CASE WHEN lag(hlc) OVER w IS NULL THEN '[]' ELSE json_array(lag(hlc) OVER w || '@' || lag(device_id) OVER w) END AS r
    FROM journal WHERE kind IN ('answer_set', 'answer_changed', 'answer_cleared')
    WINDOW w AS (PARTITION BY interview_id, question, roster ORDER BY seq)
) AS p WHERE p.seq = journal.seq;
CREATE UNIQUE INDEX journal_by_device ON journal (device_id, dseq);
INSERT INTO journal_kinds (kind) VALUES ('conflict_resolved'), ('review_comment'), ('interview_approved'), ('interview_rejected'),
    ('interview_reopened'), ('backcheck_drawn'), ('backcheck_recorded');

ALTER TABLE field_journal ADD COLUMN changed TEXT;
UPDATE field_journal SET changed = printf('%015d.%010d', CAST(round(unixepoch(at, 'subsec') * 1000) AS INTEGER), 0);

ALTER TABLE answers ADD COLUMN ver TEXT;
UPDATE answers SET ver = j.v FROM (
    SELECT interview_id, question, roster, hlc || '@' || device_id AS v, max(seq) FROM journal
    WHERE kind IN ('answer_set', 'answer_changed') GROUP BY interview_id, question, roster
) AS j WHERE j.interview_id = answers.interview_id AND j.question = answers.question AND j.roster = answers.roster;
UPDATE answers SET ver = printf('%015d.%010d@%s', CAST(round(unixepoch(answered_at, 'subsec') * 1000) AS INTEGER), 0, (SELECT id FROM device))
    WHERE ver IS NULL;
CREATE TABLE answer_heads (
    interview_id  TEXT NOT NULL REFERENCES interviews (id),
    question      TEXT NOT NULL,
    roster        TEXT NOT NULL DEFAULT '',
    ver           TEXT NOT NULL,
    value         TEXT CHECK (value IS NULL OR json_valid(value)),
    PRIMARY KEY (interview_id, question, roster, ver)
) WITHOUT ROWID;
INSERT INTO answer_heads (interview_id, question, roster, ver, value)
    SELECT interview_id, question, roster, hlc || '@' || device_id, NULL FROM (
        SELECT interview_id, question, roster, kind, hlc, device_id, max(seq) FROM journal
        WHERE kind IN ('answer_set', 'answer_changed', 'answer_cleared') GROUP BY interview_id, question, roster
    ) WHERE kind = 'answer_cleared';

ALTER TABLE interviews ADD COLUMN review TEXT CHECK (review IS NULL OR review IN ('approved', 'rejected', 'corrected'));
ALTER TABLE interviews ADD COLUMN ver TEXT;
ALTER TABLE interviews ADD COLUMN changed TEXT;
UPDATE interviews SET ver = printf('%015d.%010d@%s', CAST(round(unixepoch(updated_at, 'subsec') * 1000) AS INTEGER), 0, device_id);
ALTER TABLE route_draws ADD COLUMN ver TEXT;
ALTER TABLE route_draws ADD COLUMN changed TEXT;
UPDATE route_draws SET ver = printf('%015d.%010d@%s', CAST(round(unixepoch(drawn_at, 'subsec') * 1000) AS INTEGER), 0, (SELECT id FROM device));
ALTER TABLE routes ADD COLUMN ver TEXT;
ALTER TABLE routes ADD COLUMN changed TEXT;
UPDATE routes SET ver = printf('%015d.%010d@%s', CAST(round(unixepoch(updated_at, 'subsec') * 1000) AS INTEGER), 0, (SELECT id FROM device));
ALTER TABLE addresses ADD COLUMN ver TEXT;
ALTER TABLE addresses ADD COLUMN changed TEXT;
UPDATE addresses SET ver = printf('%015d.%010d@%s', CAST(round(unixepoch(updated_at, 'subsec') * 1000) AS INTEGER), 0, (SELECT id FROM device));
ALTER TABLE visits ADD COLUMN ver TEXT;
ALTER TABLE visits ADD COLUMN changed TEXT;
UPDATE visits SET ver = printf('%015d.%010d@%s', CAST(round(unixepoch(at, 'subsec') * 1000) AS INTEGER), 0, (SELECT id FROM device));
UPDATE interviews SET changed = substr(ver, 1, 26);
UPDATE route_draws SET changed = substr(ver, 1, 26);
UPDATE routes SET changed = substr(ver, 1, 26);
UPDATE addresses SET changed = substr(ver, 1, 26);
UPDATE visits SET changed = substr(ver, 1, 26);

CREATE TABLE sync_log (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT NOT NULL CHECK (kind IN ('export', 'import')),
    peer     TEXT NOT NULL,
    tick     TEXT NOT NULL,
    at       TEXT NOT NULL,
    detail   TEXT CHECK (detail IS NULL OR json_valid(detail))
);
CREATE INDEX sync_log_by_peer ON sync_log (kind, peer, seq);
-- The app's users on this device (not replicated): role, name, the PIN's Argon2id hash (PHC string).
CREATE TABLE users (
    name        TEXT PRIMARY KEY NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('interviewer', 'supervisor', 'coordinator')),
    pin_hash    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sync_state (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
) WITHOUT ROWID;
"#,
    // 8: the journals' hash chains (issue 10; `audit`). Every journal entry keeps the link of its
    // device's entry before it (`prev`) and its own (`hash`), both 64 hex digits; the field journal's
    // entries gain their device's number `fseq` too (the interview journal has `dseq`). The hook
    // (`audit::chain_existing`) computes the links of the rows already held; a row whose predecessor
    // the database does not hold keeps `prev` NULL, which only rows from before this version may.
    r#"
ALTER TABLE journal ADD COLUMN prev TEXT;
ALTER TABLE journal ADD COLUMN hash TEXT;
ALTER TABLE field_journal ADD COLUMN fseq INTEGER;
ALTER TABLE field_journal ADD COLUMN prev TEXT;
ALTER TABLE field_journal ADD COLUMN hash TEXT;
CREATE INDEX field_journal_by_device ON field_journal (device_id, fseq);
"#,
];
