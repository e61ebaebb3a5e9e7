// Per-well numbers the plate heatmap colours wells by. Every metric is computed for the whole
// project at once (the heatmap's "all plates" range needs every plate anyway) and cached per
// connection until the project's sites, profiles or feature sets change.
import type { DB } from '../db/open.js';
import { featureSets, loadWellProfiles, type FeatureSetInfo } from '../feature-sets/store.js';
import { CHANNELS, InputError, type ChannelName } from '../types.js';

export interface MetricInfo {
  id: string;
  label: string;
  unit: string;
  group: string;
  description: string;
}

/** Well id → value; wells without a value are absent. */
export type WellValues = Map<number, number>;

const DISTANCE = 'distance:';
const REPLICATE = 'replicate:';

const BASE: MetricInfo[] = [
  { id: 'sites', label: 'Site count', unit: 'sites', group: 'Images', description: 'Imaged sites (fields) with all five channels' },
  { id: 'qc.flagged', label: 'QC-flagged sites', unit: '%', group: 'Quality', description: 'Share of the well’s sites flagged blurred, saturated or empty' },
  { id: 'qc.focus', label: 'Focus', unit: '× plate median', group: 'Quality', description: 'Mean focus score (variance of the Laplacian of DNA) relative to the plate’s median site' },
  ...CHANNELS.map((c) => ({
    id: `intensity.${c}`,
    label: `${c} intensity`,
    unit: 'counts',
    group: 'Intensity',
    description: `Mean ${c} intensity over the well’s sites: illumination-corrected, centre crop as preprocessed, in camera counts`,
  })),
];

/** The metrics this project can show: the base ones, plus two per feature set that has well profiles. */
export function availableMetrics(db: DB): MetricInfo[] {
  const sets = profiledSets(db);
  // A profiles-only project (import-profiles --create-plates) has no sites: image metrics would be empty.
  const images = !!db.prepare('SELECT 1 FROM sites LIMIT 1').get();
  return [
    ...(images ? BASE : []),
    ...sets.map((f) => ({
      id: `${DISTANCE}${f.name}`,
      label: `Distance from DMSO (${f.name})`,
      unit: 'norm',
      group: 'Profiles',
      description: `Length of the well’s normalised ${f.name} profile; DMSO sits at the origin after per-plate MAD and ZCA`,
    })),
    ...sets.map((f) => ({
      id: `${REPLICATE}${f.name}`,
      label: `Replicate agreement (${f.name})`,
      unit: 'cosine',
      group: 'Profiles',
      description: `Mean cosine of the well’s normalised ${f.name} profile to wells of the same compound and concentration on other plates`,
    })),
  ];
}

function profiledSets(db: DB): FeatureSetInfo[] {
  const has = new Set((db.prepare('SELECT DISTINCT feature_set_id AS id FROM well_profiles').all() as { id: number }[]).map((r) => r.id));
  return featureSets(db).filter((f) => has.has(f.id));
}

export function metricInfo(db: DB, id: string): MetricInfo {
  const m = availableMetrics(db).find((x) => x.id === id);
  if (m) return m;
  const known = availableMetrics(db).map((x) => x.id).join(', ');
  throw new InputError(`unknown metric "${id}"; this project offers: ${known}`);
}

const cache = new WeakMap<DB, { version: string; values: Map<string, WellValues> }>();

/** What the metrics depend on; cheap enough to check on every request. */
function version(db: DB): string {
  const q = (sql: string) => JSON.stringify(db.prepare(sql).get());
  return [
    q('SELECT COUNT(*), MAX(id) FROM sites'),
    q("SELECT COUNT(*), MAX(ingested_at) FROM plates"),
    q('SELECT COUNT(*), MAX(rowid) FROM well_profiles'),
    q('SELECT COUNT(*), MAX(created_at) FROM feature_sets'),
    q("SELECT COUNT(*), SUM(length(qc_flags)) FROM sites WHERE qc_flags != ''"),
  ].join('|');
}

/** Values of one metric for every well of the project; throws InputError for an unknown metric. */
export function metricValues(db: DB, id: string): WellValues {
  metricInfo(db, id);
  const v = version(db);
  let entry = cache.get(db);
  if (!entry || entry.version !== v) cache.set(db, (entry = { version: v, values: new Map() }));
  let values = entry.values.get(id);
  if (!values) entry.values.set(id, (values = compute(db, id)));
  return values;
}

function compute(db: DB, id: string): WellValues {
  if (id === 'sites') return rowsToMap(db.prepare('SELECT well_id AS id, COUNT(*) AS v FROM sites GROUP BY well_id').all());
  if (id === 'qc.flagged') return rowsToMap(db.prepare("SELECT well_id AS id, 100.0 * AVG(qc_flags != '') AS v FROM sites GROUP BY well_id").all());
  if (id === 'qc.focus') return relativeFocus(db);
  if (id.startsWith('intensity.')) return channelIntensity(db, id.slice('intensity.'.length) as ChannelName);
  const set = profiledSets(db).find((f) => id === `${DISTANCE}${f.name}` || id === `${REPLICATE}${f.name}`)!;
  return id.startsWith(DISTANCE) ? dmsoDistance(db, set.id) : replicateAgreement(db, set.id);
}

function rowsToMap(rows: unknown[]): WellValues {
  return new Map((rows as { id: number; v: number | null }[]).filter((r) => r.v !== null).map((r) => [r.id, r.v!]));
}

function relativeFocus(db: DB): WellValues {
  const rows = db.prepare('SELECT s.well_id AS well, w.plate_id AS plate, s.qc_focus AS f FROM sites s JOIN wells w ON w.id = s.well_id WHERE s.qc_focus IS NOT NULL').all() as {
    well: number;
    plate: number;
    f: number;
  }[];
  const byPlate = new Map<number, number[]>();
  for (const r of rows) byPlate.set(r.plate, [...(byPlate.get(r.plate) ?? []), r.f]);
  const medians = new Map([...byPlate].map(([p, fs]) => [p, median(fs)]));
  return meanByWell(rows.filter((r) => medians.get(r.plate)! > 0).map((r) => ({ well: r.well, v: r.f / medians.get(r.plate)! })));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function meanByWell(rows: { well: number; v: number }[]): WellValues {
  const sum = new Map<number, [number, number]>();
  for (const r of rows) {
    const a = sum.get(r.well) ?? [0, 0];
    a[0] += r.v;
    a[1]++;
    sum.set(r.well, a);
  }
  return new Map([...sum].map(([w, [s, n]]) => [w, s / n]));
}

/**
 * From the preprocessed arrays (site_arrays), not the full images: they are already in the project
 * and illumination-corrected. Stored values are clip((x − low) / (high − low)) × 65535 with the
 * plate's per-channel low/high (plates.channel_scale), which maps them back to camera counts.
 */
function channelIntensity(db: DB, channel: ChannelName): WellValues {
  const c = CHANNELS.indexOf(channel);
  const scales = new Map(
    (db.prepare('SELECT id, channel_scale FROM plates').all() as { id: number; channel_scale: string }[]).map((p) => [
      p.id,
      (JSON.parse(p.channel_scale) as Record<string, { low: number; high: number }>)[channel],
    ]),
  );
  const rows: { well: number; v: number }[] = [];
  const it = db.prepare('SELECT s.well_id AS well, w.plate_id AS plate, a.size, a.data FROM site_arrays a JOIN sites s ON s.id = a.site_id JOIN wells w ON w.id = s.well_id').iterate() as Iterable<{
    well: number;
    plate: number;
    size: number;
    data: Buffer;
  }>;
  for (const r of it) {
    const scale = scales.get(r.plate);
    if (!scale) continue;
    const n = r.size * r.size;
    // Copied out: a SQLite blob's offset need not be 2-byte aligned for a Uint16Array view.
    const off = r.data.byteOffset + c * n * 2;
    const a = new Uint16Array(r.data.buffer.slice(off, off + n * 2));
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i];
    rows.push({ well: r.well, v: scale.low + (s / n / 65535) * (scale.high - scale.low) });
  }
  return meanByWell(rows);
}

function dmsoDistance(db: DB, featureSetId: number): WellValues {
  const p = loadWellProfiles(db, featureSetId);
  return new Map(p.wellIds.map((w, i) => [w, norm(p.data.subarray(i * p.cols, (i + 1) * p.cols))]));
}

function replicateAgreement(db: DB, featureSetId: number): WellValues {
  const p = loadWellProfiles(db, featureSetId);
  const row = new Map(p.wellIds.map((w, i) => [w, i]));
  const wells = db.prepare("SELECT id, plate_id AS plate, compound_id AS compound, concentration AS conc FROM wells WHERE compound_id IS NOT NULL AND (pert_type IS NULL OR pert_type != 'negcon')").all() as {
    id: number;
    plate: number;
    compound: number;
    conc: number | null;
  }[];
  const groups = new Map<string, typeof wells>();
  for (const w of wells.filter((x) => row.has(x.id))) {
    const key = `${w.compound}|${w.conc}`;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const unit = (w: number) => {
    const v = p.data.subarray(row.get(w)! * p.cols, (row.get(w)! + 1) * p.cols);
    const n = norm(v);
    return Array.from(v, (x) => (n > 0 ? x / n : 0));
  };
  const out: WellValues = new Map();
  for (const g of groups.values()) {
    const units = new Map(g.map((w) => [w.id, unit(w.id)]));
    for (const w of g) {
      const others = g.filter((o) => o.plate !== w.plate);
      if (!others.length) continue;
      const a = units.get(w.id)!;
      const sum = others.reduce((s, o) => s + units.get(o.id)!.reduce((d, x, i) => d + x * a[i], 0), 0);
      out.set(w.id, sum / others.length);
    }
  }
  return out;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
