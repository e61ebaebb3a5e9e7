// Schema v3: imported profiles (CellProfiler / pycytominer tables, `micon import-profiles`).
// Imported rows are well-level input, kept as given (several rows of one well averaged) and keyed by
// plate and well *name*, so re-ingesting a plate (new well ids) does not lose them: `buildProfiles`
// joins them to the current wells and normalises them like any other feature set. `feature_names`
// keeps the original column names of a feature set that has them; `feature_imports` where it came from.
export const sql = `
CREATE TABLE feature_names (
  feature_set_id INTEGER NOT NULL REFERENCES feature_sets(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (feature_set_id, idx)
);
CREATE TABLE imported_well_features (
  feature_set_id INTEGER NOT NULL REFERENCES feature_sets(id) ON DELETE CASCADE,
  plate TEXT NOT NULL,
  well TEXT NOT NULL,
  n_rows INTEGER NOT NULL,
  vec BLOB NOT NULL,
  PRIMARY KEY (feature_set_id, plate, well)
);
CREATE TABLE feature_imports (
  feature_set_id INTEGER PRIMARY KEY REFERENCES feature_sets(id) ON DELETE CASCADE,
  file TEXT NOT NULL,
  format TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  summary TEXT NOT NULL
);
`;
