// Schema v4: hand-crafted features computed at ingest, per site, at the image's own scale.
// `site_handcrafted` holds one vector per site with the feature version it was computed with, the
// working-scale bin factor and the typical nucleus diameter found (native pixels); `embed` builds the
// `handcrafted` feature set from the rows of the current version and recomputes the others from the
// original images. `project_settings`: per-project choices such as the cache side (`cache_size`).
export const sql = `
CREATE TABLE site_handcrafted (
  site_id INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  version TEXT NOT NULL,
  scale INTEGER NOT NULL,
  nucleus_px REAL NOT NULL,
  vec BLOB NOT NULL
);
CREATE TABLE project_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;
