import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plateMetric } from '../../../../main/core/api/handlers-plates.js';
import type { DB } from '../../../../main/core/db/open.js';
import { openProject } from '../../../../main/core/db/open.js';
import { HANDCRAFTED } from '../../../../main/core/embeddings/handcrafted.js';
import { buildProfiles } from '../../../../main/core/embeddings/profiles.js';
import { featureSetByName, loadWellProfiles, siteArray } from '../../../../main/core/feature-sets/store.js';
import { availableMetrics, metricValues } from '../../../../main/core/plates/metrics.js';
import { InputError } from '../../../../main/core/types.js';
import { makeTrainingProject } from '../../../helpers/training-project.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-metrics-');
let db: DB;

beforeAll(async () => {
  db = openProject(await makeTrainingProject(dir));
  buildProfiles(db, featureSetByName(db, HANDCRAFTED)!.id);
}, 240_000);
afterAll(() => db?.close());

const wells = () => db.prepare('SELECT id, plate_id AS plate, compound_id AS compound, concentration AS conc, pert_type AS pert FROM wells').all() as { id: number; plate: number; compound: number | null; conc: number | null; pert: string }[];
const profile = (id: number) => {
  const p = loadWellProfiles(db, featureSetByName(db, HANDCRAFTED)!.id);
  const i = p.wellIds.indexOf(id);
  return i < 0 ? null : Array.from(p.data.subarray(i * p.cols, (i + 1) * p.cols));
};
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('per-well plate metrics on a generated, ingested, profiled project', () => {
  it('offers the base metrics and two per profiled feature set', () => {
    const ids = availableMetrics(db).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['sites', 'qc.flagged', 'qc.focus', 'intensity.DNA', 'intensity.Mito', `distance:${HANDCRAFTED}`, `replicate:${HANDCRAFTED}`]));
    expect(() => metricValues(db, 'brightness')).toThrow(InputError);
    expect(() => metricValues(db, 'brightness')).toThrow(/unknown metric "brightness"/);
  });

  it('site count and QC share match the sites table', () => {
    const sites = metricValues(db, 'sites');
    const flagged = metricValues(db, 'qc.flagged');
    for (const w of wells()) {
      const s = db.prepare('SELECT qc_flags FROM sites WHERE well_id = ?').all(w.id) as { qc_flags: string }[];
      expect(sites.get(w.id)).toBe(s.length);
      expect(flagged.get(w.id)).toBeCloseTo((100 * s.filter((x) => x.qc_flags !== '').length) / s.length, 9);
    }
  });

  it('channel intensity is the mean of the preprocessed arrays in camera counts', () => {
    const values = metricValues(db, 'intensity.ER');
    const w = wells()[3];
    const scale = JSON.parse((db.prepare('SELECT channel_scale FROM plates WHERE id = ?').get(w.plate) as { channel_scale: string }).channel_scale).ER;
    const sites = (db.prepare('SELECT id FROM sites WHERE well_id = ?').all(w.id) as { id: number }[]).map((s) => {
      const a = siteArray(db, s.id);
      const n = a.size * a.size;
      const er = a.data.subarray(n, 2 * n);
      return scale.low + (er.reduce((x, y) => x + y, 0) / n / 65535) * (scale.high - scale.low);
    });
    expect(values.get(w.id)).toBeCloseTo(sites.reduce((a, b) => a + b) / sites.length, 6);
  });

  it('distance from DMSO is the normalised profile’s length; controls sit near the origin', () => {
    const d = metricValues(db, `distance:${HANDCRAFTED}`);
    const all = wells();
    for (const w of all.slice(0, 10)) expect(d.get(w.id)).toBeCloseTo(norm(profile(w.id)!), 4);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(all.filter((w) => w.pert === 'negcon').map((w) => d.get(w.id)!))).toBeLessThan(mean(all.filter((w) => w.pert === 'trt').map((w) => d.get(w.id)!)));
  });

  it('replicate agreement is the mean cosine to the same treatment on other plates', () => {
    const r = metricValues(db, `replicate:${HANDCRAFTED}`);
    const all = wells();
    const w = all.find((x) => x.pert === 'trt' && r.has(x.id))!;
    const others = all.filter((o) => o.compound === w.compound && o.conc === w.conc && o.plate !== w.plate);
    const a = profile(w.id)!;
    const cos = others.map((o) => {
      const b = profile(o.id)!;
      return a.reduce((s, x, i) => s + x * b[i], 0) / (norm(a) * norm(b));
    });
    expect(r.get(w.id)).toBeCloseTo(cos.reduce((s, x) => s + x) / cos.length, 5);
    expect(all.filter((x) => x.pert === 'negcon').some((x) => r.has(x.id))).toBe(false);
  });

  it('plates.metric gives each plate its range and the project-wide range', () => {
    const plates = (db.prepare('SELECT id FROM plates ORDER BY id').all() as { id: number }[]).map((p) => p.id);
    const res = plateMetric(db, plates.slice(0, 2), 'intensity.DNA');
    const all = [...metricValues(db, 'intensity.DNA').values()];
    expect(res.allPlates).toEqual({ min: Math.min(...all), max: Math.max(...all) });
    for (const p of res.plates) {
      const vs = p.values.map((v) => v.value);
      expect(p.range).toEqual({ min: Math.min(...vs), max: Math.max(...vs) });
      expect(p.values.length).toBe(wells().filter((w) => w.plate === p.plateId).length);
    }
    expect(() => plateMetric(db, [9999], 'sites')).toThrow(/no plate with id 9999/);
  });
});
