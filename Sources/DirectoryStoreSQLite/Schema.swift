/// The SQLite schema of a directory file. Version 1.
enum Schema {
    static let version = 1

    /// Per-connection settings. WAL lets readers work while a write commits; `synchronous=FULL` makes a commit
    /// durable (the WAL is synced) before it is acknowledged.
    static let connectionPragmas = [
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=5000",
    ]

    static let statements = [
        """
        CREATE TABLE IF NOT EXISTS things (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            document BLOB NOT NULL,
            created_ms INTEGER NOT NULL,
            modified_ms INTEGER NOT NULL,
            expires_ms INTEGER,
            ttl REAL,
            anonymous INTEGER NOT NULL,
            owner TEXT,
            title TEXT NOT NULL,
            summary TEXT NOT NULL,
            capabilities TEXT NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS things_expiry ON things(expires_ms) WHERE expires_ms IS NOT NULL",
        """
        CREATE TABLE IF NOT EXISTS thing_types (
            type TEXT NOT NULL,
            id TEXT NOT NULL REFERENCES things(id) ON DELETE CASCADE,
            PRIMARY KEY (type, id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS thing_types_id ON thing_types(id)",
        // (capability, id): a capability search walks this index in id order and stops after one page.
        """
        CREATE TABLE IF NOT EXISTS thing_capabilities (
            capability TEXT NOT NULL,
            id TEXT NOT NULL REFERENCES things(id) ON DELETE CASCADE,
            PRIMARY KEY (capability, id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS thing_capabilities_id ON thing_capabilities(id)",
        """
        CREATE VIRTUAL TABLE IF NOT EXISTS thing_text USING fts5(
            title, summary, capabilities, content='things', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 0'
        )
        """,
        """
        CREATE TRIGGER IF NOT EXISTS things_text_insert AFTER INSERT ON things BEGIN
            INSERT INTO thing_text(rowid, title, summary, capabilities)
            VALUES (new.rowid, new.title, new.summary, new.capabilities);
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS things_text_delete AFTER DELETE ON things BEGIN
            INSERT INTO thing_text(thing_text, rowid, title, summary, capabilities)
            VALUES ('delete', old.rowid, old.title, old.summary, old.capabilities);
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS things_text_update AFTER UPDATE ON things BEGIN
            INSERT INTO thing_text(thing_text, rowid, title, summary, capabilities)
            VALUES ('delete', old.rowid, old.title, old.summary, old.capabilities);
            INSERT INTO thing_text(rowid, title, summary, capabilities)
            VALUES (new.rowid, new.title, new.summary, new.capabilities);
        END
        """,
        """
        CREATE TABLE IF NOT EXISTS events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL,
            thing_id TEXT NOT NULL,
            data BLOB NOT NULL,
            time_ms INTEGER NOT NULL
        )
        """,
        "PRAGMA user_version=1",
    ]
}
