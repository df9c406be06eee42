-- The schema of a version 1 ledger (netaccept before issue 13), to test its migration.
CREATE TABLE schema_version (
    version INTEGER NOT NULL PRIMARY KEY,
    applied TEXT NOT NULL
);
CREATE TABLE runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL UNIQUE,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    delivered_on TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('initial', 'repair', 'restoration')),
    technician TEXT NOT NULL,
    acceptance_days_new INTEGER NOT NULL,
    acceptance_days_repair INTEGER NOT NULL,
    attempts_before_remedies INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    recorded TEXT NOT NULL
);
CREATE TABLE devices (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    device TEXT NOT NULL,
    site TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'incomplete')),
    PRIMARY KEY (run_id, device)
);
CREATE INDEX devices_by_device ON devices (device);
CREATE TABLE port_results (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    device TEXT NOT NULL,
    interface TEXT NOT NULL,
    speed TEXT NOT NULL,
    customer TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'incomplete')),
    cycle INTEGER CHECK (cycle >= 1),
    cycle_reason TEXT CHECK (cycle_reason IN ('initial', 'repair', 'restoration')),
    attempt INTEGER CHECK (attempt >= 1),
    delivered_on TEXT NOT NULL,
    deemed_accepted_on TEXT,
    remedies_available INTEGER NOT NULL CHECK (remedies_available IN (0, 1)),
    statement TEXT NOT NULL,
    UNIQUE (run_id, order_id),
    UNIQUE (order_id, cycle, attempt),
    CHECK ((cycle IS NULL) = (attempt IS NULL) AND (cycle IS NULL) = (cycle_reason IS NULL)),
    FOREIGN KEY (run_id, device) REFERENCES devices (run_id, device)
);
CREATE INDEX port_results_by_order ON port_results (order_id, seq);
CREATE INDEX port_results_by_run ON port_results (run_id, device);
