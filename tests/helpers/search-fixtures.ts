// Projects with hand-made or synthetic well profiles for search tests and the search benchmark:
// written into the same tables, with the same blob layout, as ingest + embed write them.
import type { DB } from '../../main/core/db/open.js';
import { wellFromRowCol } from '../../main/core/plates/wells.js';
import { mulberry32 } from '../../main/core/util/random.js';

export interface FixtureWriter {
  plate(name: string, source: string, batch: string, replicate?: number | null): number;
  compound(id: string, o?: { name?: string; smiles?: string | null; canonical?: string | null; moa?: string | null; control?: boolean }): number;
  well(plateId: number, well: string, compoundDbId: number | null, o?: { concentration?: number | null; pertType?: 'trt' | 'negcon' | 'poscon' | 'empty' | null; sites?: number }): number;
  featureSet(name: string, dim: number, kind?: 'model' | 'handcrafted' | 'imported'): number;
  profile(featureSetId: number, wellId: number, vec: ArrayLike<number>): void;
}

const blob = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Prepared inserts for every table search reads. Wrap bulk use in a transaction. */
export function fixtureWriter(db: DB): FixtureWriter {
  const sources = new Map<string, number>();
  const batches = new Map<string, number>();
  const insSource = db.prepare('INSERT INTO sources (name) VALUES (?)');
  const insBatch = db.prepare('INSERT INTO batches (source_id, name) VALUES (?, ?)');
  const insPlate = db.prepare(
    `INSERT INTO plates (name, batch_id, replicate, layout, folder, rows, cols, channel_map, cache_size, channel_scale, ingested_at)
     VALUES (?, ?, ?, 'imagexpress', '/synthetic', 16, 24, '{}', 128, '{}', '2026-01-01T00:00:00Z')`,
  );
  const insCompound = db.prepare('INSERT INTO compounds (compound_id, name, smiles, canonical_smiles, moa, is_control) VALUES (?, ?, ?, ?, ?, ?)');
  const insWell = db.prepare('INSERT INTO wells (plate_id, well, row, col, compound_id, concentration, concentration_unit, pert_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insSite = db.prepare('INSERT INTO sites (well_id, site) VALUES (?, ?)');
  const insFs = db.prepare('INSERT INTO feature_sets (name, kind, model_id, dim, version, created_at) VALUES (?, ?, NULL, ?, NULL, ?)');
  const insProfile = db.prepare('INSERT INTO well_profiles (feature_set_id, well_id, raw, normalized) VALUES (?, ?, ?, ?)');
  const wellRe = /^([A-Z]+)(\d+)$/;
  return {
    plate(name, source, batch, replicate = null) {
      let s = sources.get(source);
      if (s === undefined) sources.set(source, (s = Number(insSource.run(source).lastInsertRowid)));
      const bk = `${source}\u0000${batch}`;
      let b = batches.get(bk);
      if (b === undefined) batches.set(bk, (b = Number(insBatch.run(s, batch).lastInsertRowid)));
      return Number(insPlate.run(name, b, replicate).lastInsertRowid);
    },
    compound(id, o = {}) {
      const smiles = o.smiles ?? null;
      return Number(insCompound.run(id, o.name ?? null, smiles, o.canonical ?? smiles, o.moa ?? null, o.control ? 1 : 0).lastInsertRowid);
    },
    well(plateId, well, compoundDbId, o = {}) {
      const m = wellRe.exec(well)!;
      const row = m[1].charCodeAt(0) - 65;
      const col = Number(m[2]) - 1;
      const id = Number(insWell.run(plateId, well, row, col, compoundDbId, o.concentration ?? null, o.concentration == null ? null : 'uM', o.pertType === undefined ? 'trt' : o.pertType).lastInsertRowid);
      for (let s = 1; s <= (o.sites ?? 0); s++) insSite.run(id, s);
      return id;
    },
    featureSet(name, dim, kind = 'model') {
      return Number(insFs.run(name, kind, dim, new Date().toISOString()).lastInsertRowid);
    },
    profile(featureSetId, wellId, vec) {
      const v = Float32Array.from(vec);
      insProfile.run(featureSetId, wellId, blob(v), blob(v));
    },
  };
}

export interface SyntheticSpec {
  wells: number;
  dim: number;
  sources?: number;
  batchesPerSource?: number;
  /** Treated wells per compound, on average. */
  wellsPerCompound?: number;
  /** DMSO wells per 384-well plate. */
  controlsPerPlate?: number;
  seed?: number;
  featureSet?: string;
}

export interface SyntheticSummary {
  wells: number;
  plates: number;
  batches: number;
  sources: number;
  compounds: number;
  controls: number;
  featureSetId: number;
}

/**
 * A screen of `wells` wells on 384-well plates spread over sources and batches; each treated well's
 * profile = compound centroid + source offset + noise, DMSO = source offset + noise (so replicates
 * are findable and sources differ, as in real screens). Deterministic for a seed.
 */
export function writeSyntheticScreen(db: DB, spec: SyntheticSpec): SyntheticSummary {
  const d = spec.dim;
  const nSources = spec.sources ?? 8;
  const perSource = spec.batchesPerSource ?? 6;
  const perPlate = 384;
  const controlsPerPlate = spec.controlsPerPlate ?? 32;
  const rnd = mulberry32(spec.seed ?? 1);
  const gauss = () => {
    const u = Math.max(rnd(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
  const plates = Math.ceil(spec.wells / perPlate);
  const treated = spec.wells - Math.min(spec.wells, plates * controlsPerPlate);
  const nCompounds = Math.max(2, Math.round(treated / (spec.wellsPerCompound ?? 20)));
  const centroids = Float32Array.from({ length: nCompounds * d }, gauss);
  const offsets = Float32Array.from({ length: nSources * d }, () => 0.5 * gauss());
  const w = fixtureWriter(db);
  const vec = new Float32Array(d);
  let controls = 0;
  let fsId = 0;
  db.transaction(() => {
    fsId = w.featureSet(spec.featureSet ?? 'micon', d);
    const dmso = w.compound('DMSO', { name: 'DMSO', smiles: 'CS(C)=O', control: true });
    const firstCompound = dmso + 1;
    for (let c = 0; c < nCompounds; c++) w.compound(`SYN-${String(c).padStart(7, '0')}`, { name: `synthetic ${c}`, moa: `moa ${c % 50}` });
    let left = spec.wells;
    for (let p = 0; p < plates; p++) {
      const src = p % nSources;
      const batch = Math.floor(p / nSources) % perSource;
      const plateId = w.plate(`SYN-P${String(p).padStart(6, '0')}`, `source_${src}`, `batch_${src}_${batch}`, 1 + Math.floor(p / (nSources * perSource)));
      const n = Math.min(perPlate, left);
      left -= n;
      for (let i = 0; i < n; i++) {
        const control = i % (perPlate / controlsPerPlate) === 0;
        const c = control ? -1 : Math.floor(rnd() * nCompounds);
        for (let k = 0; k < d; k++) vec[k] = offsets[src * d + k] + gauss() * (control ? 1 : 0.8) + (control ? 0 : 0.6 * centroids[c * d + k]);
        const wellId = w.well(plateId, wellFromRowCol(Math.floor(i / 24), i % 24), control ? dmso : firstCompound + c, {
          pertType: control ? 'negcon' : 'trt',
          concentration: control ? null : [0.1, 1, 10][i % 3],
        });
        if (control) controls++;
        w.profile(fsId, wellId, vec);
      }
    }
    // Profiles are stored already normalised here: identity sphering, as a set fitted on itself would record.
    const eye = new Float32Array(d * d);
    for (let k = 0; k < d; k++) eye[k * d + k] = 1;
    db.prepare('INSERT INTO sphering (feature_set_id, mean, matrix, fitted_on) VALUES (?, ?, ?, ?)').run(fsId, blob(new Float32Array(d)), blob(eye), controls);
  })();
  return { wells: spec.wells, plates, batches: Math.min(plates, nSources * perSource), sources: Math.min(plates, nSources), compounds: nCompounds, controls, featureSetId: fsId };
}

/** One plate (P1, lab A, b1) with `n` treated compounds C0… in duplicate wells: enough for a split. */
export function treatedPairs(db: DB, n: number): void {
  const w = fixtureWriter(db);
  const plate = w.plate('P1', 'lab A', 'b1');
  for (let c = 0; c < n; c++) {
    const id = w.compound(`C${c}`);
    for (const col of [1, 2]) w.well(plate, `${String.fromCharCode(65 + c)}0${col}`, id);
  }
}
