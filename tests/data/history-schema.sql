-- application_id 0x53744368, user_version 3
-- migrations: m001_initial, m002_application_id, m003_rule_events

CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);

CREATE TABLE rule_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,                   -- UTC, ISO 8601
            kind TEXT NOT NULL CHECK (kind IN ('seen-doctor', 'went-on')),
            reason TEXT                         -- went-on: worsened, hurt or persists
        );

CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,           -- UTC, ISO 8601
            local_day TEXT NOT NULL,            -- the calendar day where it was done, for streaks
            routine TEXT NOT NULL,
            planned_seconds INTEGER NOT NULL,   -- the planned steps are rows of `steps`
            pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
            outcome TEXT,                       -- NULL until it ends (or if it was killed)
            ended_at TEXT,
            active_seconds REAL NOT NULL DEFAULT 0,
            note TEXT
        );

CREATE TABLE steps (
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            idx INTEGER NOT NULL,
            kind TEXT NOT NULL,
            stretch TEXT NOT NULL,
            side TEXT,
            rep INTEGER,
            planned_seconds INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'planned',  -- planned, done, skipped, partial
            seconds REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (session_id, idx)
        ) WITHOUT ROWID;

CREATE INDEX sessions_days ON sessions (outcome, local_day);

CREATE INDEX sessions_started ON sessions (started_at);

-- index sqlite_autoindex_migrations_1 on migrations (SQLite's own)
