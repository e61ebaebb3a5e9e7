// Schema v2: evaluation splits, trained models, feature sets with per-site vectors and per-well
// profiles (raw and normalised), sphering transforms, evaluation results.
export const sql = `
CREATE TABLE splits (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  method TEXT NOT NULL,
  seed INTEGER,
  params TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE split_compounds (
  split_id INTEGER NOT NULL REFERENCES splits(id) ON DELETE CASCADE,
  compound_id INTEGER NOT NULL REFERENCES compounds(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('heldout', 'train')),
  PRIMARY KEY (split_id, compound_id)
);
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  config TEXT NOT NULL,
  split_id INTEGER REFERENCES splits(id),
  backend TEXT,
  step INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  checkpoint TEXT,
  onnx BLOB,
  metrics TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE feature_sets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  model_id INTEGER REFERENCES models(id) ON DELETE CASCADE,
  dim INTEGER NOT NULL,
  version TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE site_features (
  feature_set_id INTEGER NOT NULL REFERENCES feature_sets(id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  vec BLOB NOT NULL,
  PRIMARY KEY (feature_set_id, site_id)
);
CREATE TABLE well_profiles (
  feature_set_id INTEGER NOT NULL REFERENCES feature_sets(id) ON DELETE CASCADE,
  well_id INTEGER NOT NULL REFERENCES wells(id) ON DELETE CASCADE,
  raw BLOB NOT NULL,
  normalized BLOB NOT NULL,
  PRIMARY KEY (feature_set_id, well_id)
);
CREATE TABLE sphering (
  feature_set_id INTEGER PRIMARY KEY REFERENCES feature_sets(id) ON DELETE CASCADE,
  mean BLOB NOT NULL,
  matrix BLOB NOT NULL,
  fitted_on INTEGER NOT NULL
);
CREATE TABLE evaluations (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  split_id INTEGER REFERENCES splits(id),
  result TEXT NOT NULL
);
`;
