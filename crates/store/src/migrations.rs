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
];
