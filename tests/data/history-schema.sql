-- application_id 0x53744368, user_version 4
-- migrations: m001_initial, m002_application_id, m003_rule_events, m004_summaries

CREATE TRIGGER session_stretches_added AFTER INSERT ON session_stretches BEGIN INSERT INTO day_stretches (day, stretch, steps, completed, centiseconds) VALUES (substr(NEW.started_at, 1, 10), NEW.stretch, +(NEW.steps), +(NEW.steps > 0 AND NEW.done = NEW.steps), +(NEW.centiseconds)) ON CONFLICT (day, stretch) DO UPDATE SET steps = steps + excluded.steps, completed = completed + excluded.completed, centiseconds = centiseconds + excluded.centiseconds; END;

CREATE TRIGGER session_stretches_changed_from AFTER UPDATE OF started_at, stretch, steps, done, centiseconds ON session_stretches BEGIN INSERT INTO day_stretches (day, stretch, steps, completed, centiseconds) VALUES (substr(OLD.started_at, 1, 10), OLD.stretch, -(OLD.steps), -(OLD.steps > 0 AND OLD.done = OLD.steps), -(OLD.centiseconds)) ON CONFLICT (day, stretch) DO UPDATE SET steps = steps + excluded.steps, completed = completed + excluded.completed, centiseconds = centiseconds + excluded.centiseconds; END;

CREATE TRIGGER session_stretches_changed_to AFTER UPDATE OF started_at, stretch, steps, done, centiseconds ON session_stretches BEGIN INSERT INTO day_stretches (day, stretch, steps, completed, centiseconds) VALUES (substr(NEW.started_at, 1, 10), NEW.stretch, +(NEW.steps), +(NEW.steps > 0 AND NEW.done = NEW.steps), +(NEW.centiseconds)) ON CONFLICT (day, stretch) DO UPDATE SET steps = steps + excluded.steps, completed = completed + excluded.completed, centiseconds = centiseconds + excluded.centiseconds; END;

CREATE TRIGGER session_stretches_removed AFTER DELETE ON session_stretches BEGIN INSERT INTO day_stretches (day, stretch, steps, completed, centiseconds) VALUES (substr(OLD.started_at, 1, 10), OLD.stretch, -(OLD.steps), -(OLD.steps > 0 AND OLD.done = OLD.steps), -(OLD.centiseconds)) ON CONFLICT (day, stretch) DO UPDATE SET steps = steps + excluded.steps, completed = completed + excluded.completed, centiseconds = centiseconds + excluded.centiseconds; END;

CREATE TRIGGER sessions_moved AFTER UPDATE OF started_at ON sessions BEGIN
            UPDATE session_stretches SET started_at = NEW.started_at WHERE session_id = NEW.id;
        END;

CREATE TRIGGER steps_added AFTER INSERT ON steps WHEN NEW.kind IN ('hold', 'phase') BEGIN UPDATE sessions SET steps_done = steps_done + (NEW.status = 'done'), steps_skipped = steps_skipped + (NEW.status IN ('skipped', 'partial')) WHERE id = NEW.session_id; INSERT INTO session_stretches (session_id, stretch, started_at, steps, done, centiseconds, holds_done, sides_missed) VALUES (NEW.session_id, NEW.stretch, (SELECT started_at FROM sessions WHERE id = NEW.session_id), +(1), +(NEW.status = 'done'), +(CAST(round(NEW.seconds * 100) AS INTEGER)), +(NEW.kind = 'hold' AND NEW.status = 'done'), +(NEW.kind = 'hold' AND NEW.side IS NOT NULL AND NEW.status != 'done')) ON CONFLICT (session_id, stretch) DO UPDATE SET steps = steps + excluded.steps, done = done + excluded.done, centiseconds = centiseconds + excluded.centiseconds, holds_done = holds_done + excluded.holds_done, sides_missed = sides_missed + excluded.sides_missed; END;

CREATE TRIGGER steps_changed_from AFTER UPDATE OF session_id, kind, stretch, side, status, seconds ON steps WHEN OLD.kind IN ('hold', 'phase') BEGIN UPDATE sessions SET steps_done = steps_done - (OLD.status = 'done'), steps_skipped = steps_skipped - (OLD.status IN ('skipped', 'partial')) WHERE id = OLD.session_id; INSERT INTO session_stretches (session_id, stretch, started_at, steps, done, centiseconds, holds_done, sides_missed) VALUES (OLD.session_id, OLD.stretch, (SELECT started_at FROM sessions WHERE id = OLD.session_id), -(1), -(OLD.status = 'done'), -(CAST(round(OLD.seconds * 100) AS INTEGER)), -(OLD.kind = 'hold' AND OLD.status = 'done'), -(OLD.kind = 'hold' AND OLD.side IS NOT NULL AND OLD.status != 'done')) ON CONFLICT (session_id, stretch) DO UPDATE SET steps = steps + excluded.steps, done = done + excluded.done, centiseconds = centiseconds + excluded.centiseconds, holds_done = holds_done + excluded.holds_done, sides_missed = sides_missed + excluded.sides_missed; END;

CREATE TRIGGER steps_changed_to AFTER UPDATE OF session_id, kind, stretch, side, status, seconds ON steps WHEN NEW.kind IN ('hold', 'phase') BEGIN UPDATE sessions SET steps_done = steps_done + (NEW.status = 'done'), steps_skipped = steps_skipped + (NEW.status IN ('skipped', 'partial')) WHERE id = NEW.session_id; INSERT INTO session_stretches (session_id, stretch, started_at, steps, done, centiseconds, holds_done, sides_missed) VALUES (NEW.session_id, NEW.stretch, (SELECT started_at FROM sessions WHERE id = NEW.session_id), +(1), +(NEW.status = 'done'), +(CAST(round(NEW.seconds * 100) AS INTEGER)), +(NEW.kind = 'hold' AND NEW.status = 'done'), +(NEW.kind = 'hold' AND NEW.side IS NOT NULL AND NEW.status != 'done')) ON CONFLICT (session_id, stretch) DO UPDATE SET steps = steps + excluded.steps, done = done + excluded.done, centiseconds = centiseconds + excluded.centiseconds, holds_done = holds_done + excluded.holds_done, sides_missed = sides_missed + excluded.sides_missed; END;

CREATE TRIGGER steps_removed AFTER DELETE ON steps WHEN OLD.kind IN ('hold', 'phase') BEGIN UPDATE sessions SET steps_done = steps_done - (OLD.status = 'done'), steps_skipped = steps_skipped - (OLD.status IN ('skipped', 'partial')) WHERE id = OLD.session_id; INSERT INTO session_stretches (session_id, stretch, started_at, steps, done, centiseconds, holds_done, sides_missed) VALUES (OLD.session_id, OLD.stretch, (SELECT started_at FROM sessions WHERE id = OLD.session_id), -(1), -(OLD.status = 'done'), -(CAST(round(OLD.seconds * 100) AS INTEGER)), -(OLD.kind = 'hold' AND OLD.status = 'done'), -(OLD.kind = 'hold' AND OLD.side IS NOT NULL AND OLD.status != 'done')) ON CONFLICT (session_id, stretch) DO UPDATE SET steps = steps + excluded.steps, done = done + excluded.done, centiseconds = centiseconds + excluded.centiseconds, holds_done = holds_done + excluded.holds_done, sides_missed = sides_missed + excluded.sides_missed; END;

CREATE TABLE day_stretches (
            day TEXT NOT NULL,                  -- the UTC day the sessions started
            stretch TEXT NOT NULL,
            steps INTEGER NOT NULL,             -- its holds and phases
            completed INTEGER NOT NULL,         -- sessions that did every one of them
            centiseconds INTEGER NOT NULL,
            PRIMARY KEY (day, stretch)
        ) WITHOUT ROWID;

CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);

CREATE TABLE rule_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,                   -- UTC, ISO 8601
            kind TEXT NOT NULL CHECK (kind IN ('seen-doctor', 'went-on')),
            reason TEXT                         -- went-on: worsened, hurt or persists
        );

CREATE TABLE session_stretches (
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            stretch TEXT NOT NULL,
            started_at TEXT NOT NULL,           -- the session's: a window is read without a join
            steps INTEGER NOT NULL,             -- its holds and phases
            done INTEGER NOT NULL,              -- ... those done
            centiseconds INTEGER NOT NULL,      -- ... the time spent in them
            holds_done INTEGER NOT NULL,
            sides_missed INTEGER NOT NULL,      -- holds of one side not done
            PRIMARY KEY (session_id, stretch)
        ) WITHOUT ROWID;

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
        , steps_done INTEGER NOT NULL DEFAULT 0, steps_skipped INTEGER NOT NULL DEFAULT 0);

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

CREATE INDEX session_stretches_one_sided ON session_stretches (started_at) WHERE holds_done > 0 AND sides_missed > 0;

CREATE INDEX session_stretches_started ON session_stretches (started_at, stretch, steps, done, centiseconds);

CREATE INDEX sessions_days ON sessions (outcome, local_day);

CREATE INDEX sessions_rise ON sessions (pain_after - pain_before);

CREATE INDEX sessions_started ON sessions (started_at);

-- index sqlite_autoindex_migrations_1 on migrations (SQLite's own)
