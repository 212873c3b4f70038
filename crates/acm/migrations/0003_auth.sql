-- Manager users, sessions, API tokens and the audit log (issue 20). Passwords are argon2id
-- PHC strings; session ids and API tokens are stored as SHA-256 hashes, never in clear.
CREATE TABLE IF NOT EXISTS users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    role                TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    password_hash       TEXT,                 -- NULL for users that sign in with OIDC only
    source              TEXT    NOT NULL DEFAULT 'local', -- 'local' or 'oidc'
    disabled            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash    TEXT    NOT NULL PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,             -- unix seconds
    expires_at INTEGER NOT NULL,
    reauth_at  INTEGER                       -- last password re-entry (profile export with passwords)
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,           -- first characters, to recognise a token in lists
    role         TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at   TEXT    NOT NULL,
    expires_at   INTEGER,                    -- unix seconds; NULL = no expiry
    last_used_at TEXT
);
CREATE TABLE IF NOT EXISTS audit_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT    NOT NULL,                -- RFC 3339
    actor   TEXT    NOT NULL,
    method  TEXT    NOT NULL,
    route   TEXT    NOT NULL,                -- route template, e.g. /api/v1/profiles/{id}
    target  TEXT    NOT NULL,                -- the concrete path and query
    status  INTEGER NOT NULL,
    outcome TEXT    NOT NULL,                -- ok, denied, failed
    ip      TEXT,
    detail  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, id);
