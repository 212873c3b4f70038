-- Connection profiles. Passwords are stored encrypted (see crypto.rs), never in clear.
CREATE TABLE IF NOT EXISTS profiles (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    name                   TEXT    NOT NULL UNIQUE,
    hosts                  TEXT    NOT NULL,            -- JSON array of "host" or "host:port"
    port                   INTEGER NOT NULL DEFAULT 3000,
    cluster_name           TEXT,
    username               TEXT,
    password_enc           TEXT,                        -- "v1:<base64>" or NULL
    color                  TEXT    NOT NULL DEFAULT '#0097D3',
    description            TEXT    NOT NULL DEFAULT '',
    labels                 TEXT    NOT NULL DEFAULT '{}', -- JSON object
    use_services_alternate INTEGER NOT NULL DEFAULT 0,
    connect_timeout_ms     INTEGER NOT NULL DEFAULT 5000,
    timeout_ms             INTEGER NOT NULL DEFAULT 10000,
    demo                   INTEGER NOT NULL DEFAULT 0,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL
);
