// The features on a real (generated) screen: after per-plate robust normalisation against DMSO, active compounds
// stand out from DMSO and their replicates resemble each other more than other active compounds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { HANDCRAFTED_VERSION } from '../../../../main/core/features/handcrafted.js';
import { makeProject } from '../../../e2e/demo-project.js';
import { demoGroundTruth } from '../../../helpers/demo-cache.js';

interface Well {
  plate: string;
  well: string;
  compound: string;
  profile: Float64Array;
  z?: Float64Array;
}
interface Truth {
  compounds: { id: string; active: boolean; mechanism: string | null }[];
  wells: { plate: string; well: string; compoundId: string; effectStrength: number }[];
}

let dir = '';
let wells: Well[] = [];
let truth: Truth;

const med = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const dist = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((acc, x, i) => acc + (x - b[i]) ** 2, 0));
const cosine = (a: Float64Array, b: Float64Array) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb + 1e-12);
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-features-'));
  const file = await makeProject(dir);
  truth = (await demoGroundTruth()) as Truth;
  const db = openProject(file, { readonly: true });
  const rows = db
    .prepare(
      `SELECT p.name AS plate, w.well AS well, c.compound_id AS compound, h.version AS version, h.vec AS vec
       FROM site_handcrafted h JOIN sites s ON s.id = h.site_id JOIN wells w ON w.id = s.well_id
       JOIN plates p ON p.id = w.plate_id JOIN compounds c ON c.id = w.compound_id ORDER BY s.id`,
    )
    .all() as { plate: string; well: string; compound: string; version: string; vec: Buffer }[];
  db.close();
  const byWell = new Map<string, { w: Well; n: number }>();
  // The vectors ingest computed from the full-resolution demo images (what `embed` uses).
  for (const r of rows) {
    if (r.version !== HANDCRAFTED_VERSION) throw new Error(`site vector of version ${r.version}`);
    const f = new Float32Array(r.vec.buffer.slice(r.vec.byteOffset, r.vec.byteOffset + r.vec.byteLength));
    const key = `${r.plate}/${r.well}`;
    let e = byWell.get(key);
    if (!e) byWell.set(key, (e = { w: { plate: r.plate, well: r.well, compound: r.compound, profile: new Float64Array(f.length) }, n: 0 }));
    for (let i = 0; i < f.length; i++) e.w.profile[i] += f[i];
    e.n++;
  }
  wells = [...byWell.values()].map(({ w, n }) => ({ ...w, profile: w.profile.map((v) => v / n) }));
  // Per-plate robust z-scores against DMSO wells (median, 1.4826·MAD, with a floor so constant features stay finite).
  for (const plate of new Set(wells.map((w) => w.plate))) {
    const onPlate = wells.filter((w) => w.plate === plate);
    const ctrl = onPlate.filter((w) => w.compound === 'DMSO');
    const D = onPlate[0].profile.length;
    const center = new Float64Array(D);
    const scale = new Float64Array(D);
    for (let j = 0; j < D; j++) {
      const vals = ctrl.map((w) => w.profile[j]);
      center[j] = med(vals);
      scale[j] = 1.4826 * med(vals.map((v) => Math.abs(v - center[j]))) + 1e-6 + 1e-3 * Math.abs(center[j]);
    }
    for (const w of onPlate) w.z = w.profile.map((v, j) => Math.max(-20, Math.min(20, (v - center[j]) / scale[j])));
  }
}, 300_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('handcrafted features on the demo screen', () => {
  it('has a finite vector for every site (speed: npm run bench -- features)', () => {
    expect(wells.length).toBeGreaterThan(20);
    for (const w of wells) expect(w.profile.every(Number.isFinite)).toBe(true);
  });

  it('puts strongly active wells farther from DMSO than DMSO wells are from each other', () => {
    const strength = new Map(truth.wells.map((w) => [`${w.plate}/${w.well}`, w.effectStrength]));
    const dmso = wells.filter((w) => w.compound === 'DMSO');
    const strong = wells.filter((w) => (strength.get(`${w.plate}/${w.well}`) ?? 0) > 0.8);
    expect(strong.length).toBeGreaterThan(3);
    const dmsoToDmso: number[] = [];
    for (const a of dmso) for (const b of dmso) if (a !== b && a.plate === b.plate) dmsoToDmso.push(dist(a.z!, b.z!));
    const strongToDmso: number[] = [];
    for (const a of strong) for (const b of dmso) if (a.plate === b.plate) strongToDmso.push(dist(a.z!, b.z!));
    const ratio = mean(strongToDmso) / mean(dmsoToDmso);
    console.log(`mean distance: strong→DMSO ${mean(strongToDmso).toFixed(1)}, DMSO↔DMSO ${mean(dmsoToDmso).toFixed(1)} (ratio ${ratio.toFixed(2)}; ${strong.length} strong wells)`);
    expect(ratio).toBeGreaterThan(1.5);
  });

  it('makes replicate wells of an active compound more alike than wells of other active compounds', () => {
    const active = new Set(truth.compounds.filter((c) => c.active).map((c) => c.id));
    const act = wells.filter((w) => active.has(w.compound));
    const same: number[] = [];
    const other: number[] = [];
    const perCompound: string[] = [];
    let wins = 0;
    let n = 0;
    for (const id of active) {
      const mine = act.filter((w) => w.compound === id);
      if (mine.length < 2) continue;
      const s: number[] = [];
      const o: number[] = [];
      for (const a of mine) {
        for (const b of act) {
          if (a === b) continue;
          (b.compound === id ? s : o).push(cosine(a.z!, b.z!));
        }
      }
      same.push(mean(s));
      other.push(mean(o));
      perCompound.push(`${id} ${mean(s).toFixed(2)}/${mean(o).toFixed(2)}`);
      n++;
      if (mean(s) > mean(o)) wins++;
    }
    console.log(`replicate cosine ${mean(same).toFixed(3)} vs other active ${mean(other).toFixed(3)}; compounds where replicates win: ${wins}/${n}\n  ${perCompound.join(', ')}`);
    expect(n).toBeGreaterThan(3);
    expect(mean(same)).toBeGreaterThan(mean(other));
    expect(wins / n).toBeGreaterThan(0.5);
  });
});
