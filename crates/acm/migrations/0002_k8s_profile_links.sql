-- Connection profiles the manager created for AerospikeClusters (auto-connect), so deleting
-- the cluster removes exactly the profiles it created. A profile deleted by hand drops its link.
CREATE TABLE IF NOT EXISTS k8s_profile_links (
    profile_id INTEGER NOT NULL PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
    namespace  TEXT    NOT NULL,
    cluster    TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS k8s_profile_links_cluster ON k8s_profile_links (namespace, cluster);
