// Nuclei counts on every real field in ../shared/realdata against the careful counts written down in
// tests/fixtures/realdata-nuclei/nuclei-counts.json (how each was made is recorded there): within 15 %.
// The features run exactly as ingest runs them for a plate of this one site: the cache-resolution
// percentiles as the plate's scale, a flat illumination function (fewer than 3 sites), full-resolution
// planes. BBBC022's fields hold only the Hoechst channel: the other four planes are black, which no
// nucleus feature reads.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { handcraftedFeatureNames } from '../../../../main/core/features/handcrafted.js';
import { featuresFromPlanes, MIN_NUCLEUS_PX, type Plane, type PlateCorrection } from '../../../../main/core/features/site-scale.js';
import { decodeGrey16 } from '../../../../main/core/images/decode.js';
import { downsampleSquare } from '../../../../main/core/images/downsample.js';
import { PercentileSampler } from '../../../../main/core/ingest/plate-scale.js';
import { REALDATA } from '../../../helpers/realdata.js';

interface Field {
  name: string;
  files: string[];
  pixelSizeUm?: number;
  careful: number;
}
const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/realdata-nuclei/nuclei-counts.json');
const fields = (JSON.parse(fs.readFileSync(fixture, 'utf8')) as { fields: Field[] }).fields;
const names = handcraftedFeatureNames();
const CACHE = 64;

/** The correction ingest derives for a one-site plate. */
function oneSitePlate(planes: Plane[], pixelSizeUm?: number): PlateCorrection {
  const bounds = planes.map((p) => {
    const s = new PercentileSampler();
    s.add(downsampleSquare(p.data, p.width, p.height, CACHE).out);
    const [low, high] = s.quantiles([0.001, 0.999]);
    return { low, high: Math.max(high, low + 1) };
  });
  return { size: CACHE, illum: planes.map(() => new Float32Array(CACHE * CACHE).fill(1)), bounds, ...(pixelSizeUm ? { pixelSizeUm } : {}) };
}

describe('nuclei on real fields, at the image’s own scale', () => {
  it('covers every real image field in shared/ that has a DNA channel', () => {
    const bbbc022 = fs.readdirSync(path.join(REALDATA, 'images-bbbc022-ixm-hoechst', '20585')).filter((f) => f.endsWith('.tif'));
    expect(fields.filter((f) => f.name.startsWith('bbbc022'))).toHaveLength(bbbc022.length);
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['bray-cdrp', 'jump-BR00121482-A01-f1']));
  });

  for (const f of fields) {
    it(`${f.name}: nuc_count within 15 % of the careful count (${f.careful})`, async () => {
      const decoded = await Promise.all(f.files.map((file) => decodeGrey16(path.join(REALDATA, file))));
      const { width, height } = decoded[0];
      const planes: Plane[] = [0, 1, 2, 3, 4].map((c) => decoded[c] ?? { data: new Uint16Array(width * height), width, height });
      const r = featuresFromPlanes(planes, oneSitePlate(planes, f.pixelSizeUm));
      const count = r.vec[names.indexOf('nuc_count')];
      console.log(`${f.name}: nuc_count ${count} (careful ${f.careful}), nucleus ${r.nucleusPx.toFixed(1)} px, scale 1/${r.scale}`);
      expect(Math.abs(count - f.careful)).toBeLessThanOrEqual(0.15 * f.careful);
      // Native resolution on these 20× fields: nuclei are 20–40 px across, never shrunk below 16.
      expect(r.scale).toBe(1);
      expect(r.nucleusPx).toBeGreaterThanOrEqual(16);
      const interior = r.vec[names.indexOf('nuc_count_interior')];
      expect(interior).toBeLessThanOrEqual(count);
      expect(interior).toBeGreaterThan(0.5 * count);
    });
  }
});

/** A field resampled by k (bilinear up, 2×2 mean down): the same cells seen at another magnification. */
function resample(p: Plane, k: number): Plane {
  const w = Math.round(p.width * k);
  const h = Math.round(p.height * k);
  const out = new Uint16Array(w * h);
  const src = p.data;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (k < 1) {
        let s = 0;
        for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) s += src[Math.min(p.height - 1, 2 * y + dy) * p.width + Math.min(p.width - 1, 2 * x + dx)];
        out[y * w + x] = Math.round(s / 4);
        continue;
      }
      const fx = Math.min(p.width - 1.001, Math.max(0, (x + 0.5) / k - 0.5));
      const fy = Math.min(p.height - 1.001, Math.max(0, (y + 0.5) / k - 0.5));
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const tx = fx - x0;
      const ty = fy - y0;
      const at = (xx: number, yy: number) => src[yy * p.width + xx];
      out[y * w + x] = Math.round((at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx) * (1 - ty) + (at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx) * ty);
    }
  }
  return { data: out, width: w, height: h };
}

describe('nuclei at other magnifications (the same real field resampled)', () => {
  const f = fields.find((x) => x.name === 'bbbc022-E05-s6')!;
  it.each([
    { k: 0.5, scale: 1 },
    { k: 2, scale: 2 },
    { k: 3, scale: 4 },
  ])('at $k× the count stays within 15 % and the working scale is 1/$scale', async ({ k, scale }) => {
    const dna = resample(await decodeGrey16(path.join(REALDATA, f.files[0])), k);
    const planes: Plane[] = [0, 1, 2, 3, 4].map((c) => (c === 0 ? dna : { data: new Uint16Array(dna.width * dna.height), width: dna.width, height: dna.height }));
    const r = featuresFromPlanes(planes, oneSitePlate(planes));
    expect(Math.abs(r.vec[names.indexOf('nuc_count')] - f.careful)).toBeLessThanOrEqual(0.15 * f.careful);
    // Nuclei of ~22 px at 1×: binned only as far as they stay ≥ 16 px; small ones are never binned.
    expect(r.scale).toBe(scale);
    if (r.scale > 1) expect(r.nucleusPx / r.scale).toBeGreaterThanOrEqual(MIN_NUCLEUS_PX);
  });
});
