// Project schema v1: plates, wells, sites, images, compounds and the preprocessing cache.
// A plate and everything under it is written in one transaction and cascades on delete, so
// replacing a plate is DELETE + INSERT inside that transaction.
export const sql = `
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  name TEXT NOT NULL,
  UNIQUE (source_id, name)
);
CREATE TABLE plates (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  replicate INTEGER,
  layout TEXT NOT NULL,
  folder TEXT NOT NULL,
  rows INTEGER NOT NULL,
  cols INTEGER NOT NULL,
  image_width INTEGER,
  image_height INTEGER,
  pixel_size_um REAL,
  bit_depth INTEGER,
  channel_map TEXT NOT NULL,
  cache_size INTEGER NOT NULL,
  channel_scale TEXT NOT NULL,
  ingested_at TEXT NOT NULL
);
CREATE TABLE compounds (
  id INTEGER PRIMARY KEY,
  compound_id TEXT NOT NULL UNIQUE,
  name TEXT,
  smiles TEXT,
  canonical_smiles TEXT,
  moa TEXT,
  target TEXT,
  is_control INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE wells (
  id INTEGER PRIMARY KEY,
  plate_id INTEGER NOT NULL REFERENCES plates(id) ON DELETE CASCADE,
  well TEXT NOT NULL,
  row INTEGER NOT NULL,
  col INTEGER NOT NULL,
  compound_id INTEGER REFERENCES compounds(id),
  concentration REAL,
  concentration_unit TEXT,
  pert_type TEXT,
  UNIQUE (plate_id, well)
);
CREATE INDEX wells_compound ON wells(compound_id);
CREATE TABLE channels (
  plate_id INTEGER NOT NULL REFERENCES plates(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  raw_id TEXT NOT NULL,
  instrument_name TEXT,
  PRIMARY KEY (plate_id, name)
);
CREATE TABLE sites (
  id INTEGER PRIMARY KEY,
  well_id INTEGER NOT NULL REFERENCES wells(id) ON DELETE CASCADE,
  site INTEGER NOT NULL,
  qc_focus REAL,
  qc_saturation REAL,
  qc_foreground REAL,
  qc_flags TEXT NOT NULL DEFAULT '',
  UNIQUE (well_id, site)
);
CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  path TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  max_value INTEGER NOT NULL,
  UNIQUE (site_id, channel)
);
-- Downsampled, illumination-corrected sites: uint16 [channel][y][x], value = clip(x/scale,0,1)*65535.
CREATE TABLE site_arrays (
  site_id INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  size INTEGER NOT NULL,
  data BLOB NOT NULL
);
-- Per-plate illumination functions (float32 [y][x], mean 1) at cache resolution.
CREATE TABLE illumination (
  plate_id INTEGER NOT NULL REFERENCES plates(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  size INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (plate_id, channel)
);
CREATE TABLE well_thumbnails (
  well_id INTEGER PRIMARY KEY REFERENCES wells(id) ON DELETE CASCADE,
  png BLOB NOT NULL
);
CREATE TABLE ingest_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  folder TEXT NOT NULL,
  layout TEXT,
  summary TEXT NOT NULL
);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  params TEXT NOT NULL,
  progress TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;
