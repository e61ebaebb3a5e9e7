import { describe, expect, it } from 'vitest';
import { HANDCRAFTED_VERSION, handcraftedFeatureNames, handcraftedFeatures } from '../../../../main/core/features/handcrafted.js';

const C = 5;
type Fill = (x: number, y: number) => number;

/** A site from one [0, 1] function per channel (DNA, ER, RNA, AGP, Mito); missing channels are black. */
function site(size: number, fills: (Fill | undefined)[]): Uint16Array {
  const a = new Uint16Array(C * size * size);
  for (let c = 0; c < C; c++) {
    const f = fills[c];
    if (!f) continue;
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) a[c * size * size + y * size + x] = Math.round(Math.min(1, Math.max(0, f(x, y))) * 65535);
  }
  return a;
}

const names = handcraftedFeatureNames();
const get = (v: Float32Array, name: string) => {
  const i = names.indexOf(name);
  if (i < 0) throw new Error(`no feature ${name}`);
  return v[i];
};
const disc = (cx: number, cy: number, r: number, v: number, bg = 0.02): Fill => (x, y) => ((x - cx) ** 2 + (y - cy) ** 2 <= r * r ? v : bg);
const discs = (list: [number, number, number][], v: number, bg = 0.02): Fill => (x, y) => (list.some(([cx, cy, r]) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r) ? v : bg);
function noise(seed: number): Fill {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('handcrafted features: API', () => {
  it('has one unique name per value and a version', () => {
    const v = handcraftedFeatures(site(64, [noise(1), noise(2), noise(3), noise(4), noise(5)]), 64);
    expect(v.length).toBe(names.length);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(150);
    expect(names.length).toBeLessThanOrEqual(400);
    expect(HANDCRAFTED_VERSION).toMatch(/\S/);
    // Callers may mutate the list; the module's own must not change.
    handcraftedFeatureNames().pop();
    expect(handcraftedFeatureNames().length).toBe(names.length);
  });

  it('is deterministic and independent of earlier calls', () => {
    const a = site(96, [discs([[20, 20, 6], [60, 50, 7]], 0.8), noise(7), noise(8), noise(9), noise(10)]);
    const first = handcraftedFeatures(a, 96);
    handcraftedFeatures(site(64, [noise(11), noise(12), undefined, undefined, noise(13)]), 64);
    const again = handcraftedFeatures(a.slice(), 96);
    expect(Array.from(again)).toEqual(Array.from(first));
  });

  it('rejects an array of the wrong length', () => {
    expect(() => handcraftedFeatures(new Uint16Array(5 * 64 * 64 - 1), 64)).toThrow(/expected/);
  });

  const edgeCases: [string, Uint16Array, number][] = [
    ['blank', site(64, []), 64],
    ['saturated', site(64, [() => 1, () => 1, () => 1, () => 1, () => 1]), 64],
    ['single bright pixel', site(64, [(x, y) => (x === 30 && y === 30 ? 1 : 0), undefined, undefined, undefined, undefined]), 64],
    ['single pixel in every channel', site(64, Array.from({ length: C }, () => (x: number, y: number) => (x === 5 && y === 60 ? 1 : 0))), 64],
    ['nucleus touching the border, no cytoplasm', site(64, [disc(0, 0, 12, 0.9, 0)]), 64],
    ['tiny image', site(3, [noise(1), noise(2), noise(3), noise(4), noise(5)]), 3],
    ['odd size noise', site(37, [noise(21), noise(22), noise(23), noise(24), noise(25)]), 37],
  ];
  for (const [label, a, size] of edgeCases) {
    it(`is finite on: ${label}`, () => {
      const v = handcraftedFeatures(a, size);
      const bad = names.filter((_, i) => !Number.isFinite(v[i]));
      expect(bad).toEqual([]);
    });
  }

  it('finds no nuclei in a blank site', () => {
    const v = handcraftedFeatures(site(64, []), 64);
    expect(get(v, 'nuc_count')).toBe(0);
    expect(get(v, 'cell_area_mean')).toBe(0);
  });
});

describe('handcrafted features: known answers', () => {
  it('counts two discs and measures their area and roundness', () => {
    const r = 8;
    const v = handcraftedFeatures(site(128, [discs([[32, 32, r], [90, 85, r]], 0.8)]), 128);
    expect(get(v, 'nuc_count')).toBe(2);
    expect(get(v, 'nuc_area_mean')).toBeGreaterThan(Math.PI * r * r * 0.9);
    expect(get(v, 'nuc_area_mean')).toBeLessThan(Math.PI * r * r * 1.1);
    expect(get(v, 'nuc_area_std')).toBeLessThan(3);
    expect(get(v, 'nuc_formfactor_mean')).toBeGreaterThan(0.85);
    expect(get(v, 'nuc_formfactor_mean')).toBeLessThan(1.15);
    expect(get(v, 'nuc_eccentricity_mean')).toBeLessThan(0.3);
    expect(get(v, 'nuc_major_axis_mean')).toBeCloseTo(2 * r, -0.5);
    expect(get(v, 'nuc_dna_mean_mean')).toBeCloseTo(0.8, 1);
    expect(get(v, 'micronuclei_per_nucleus')).toBe(0);
  });

  it('sees an elongated nucleus as eccentric and counts a speck as a micronucleus', () => {
    const ellipse: Fill = (x, y) => (((x - 64) / 20) ** 2 + ((y - 64) / 7) ** 2 <= 1 ? 0.8 : 0.02);
    const speck: Fill = (x, y) => (Math.abs(x - 20) <= 1 && Math.abs(y - 100) <= 1 ? 0.8 : 0);
    const v = handcraftedFeatures(site(128, [(x, y) => Math.max(ellipse(x, y), speck(x, y))]), 128);
    expect(get(v, 'nuc_count')).toBe(1);
    expect(get(v, 'nuc_eccentricity_mean')).toBeGreaterThan(0.85);
    expect(get(v, 'micronuclei_per_nucleus')).toBe(1);
  });

  it('gives a constant image zero spread and a degenerate texture', () => {
    const v = handcraftedFeatures(site(64, [() => 0.5, () => 0.5, () => 0.5, () => 0.5, () => 0.5]), 64);
    for (const c of ['DNA', 'ER', 'RNA', 'AGP', 'Mito']) {
      expect(get(v, `${c}_int_mean`)).toBeCloseTo(0.5, 4);
      expect(get(v, `${c}_int_std`)).toBe(0);
      expect(get(v, `${c}_int_p05`)).toBeCloseTo(get(v, `${c}_int_p99`), 6);
      expect(get(v, `${c}_int_p50`)).toBeCloseTo(0.5, 3);
      expect(get(v, `${c}_tex_glcm_contrast_d1`)).toBe(0);
      expect(get(v, `${c}_tex_glcm_energy_d1`)).toBeCloseTo(1, 6);
      expect(get(v, `${c}_tex_grad_mean`)).toBe(0);
    }
  });

  it('gets intensity statistics of a half-bright image right', () => {
    const v = handcraftedFeatures(site(64, [(x) => (x < 32 ? 0 : 1)]), 64);
    expect(get(v, 'DNA_int_mean')).toBeCloseTo(0.5, 4);
    expect(get(v, 'DNA_int_std')).toBeCloseTo(0.5, 4);
    expect(get(v, 'DNA_int_skew')).toBeCloseTo(0, 4);
    expect(get(v, 'DNA_int_kurtosis')).toBeCloseTo(-2, 3);
    expect(get(v, 'DNA_int_frac_gt_0.5')).toBeCloseTo(0.5, 4);
    expect(get(v, 'DNA_int_p25')).toBeLessThan(0.01);
    expect(get(v, 'DNA_int_p75')).toBeGreaterThan(0.99);
  });

  it('gives a checkerboard high GLCM contrast and a smooth ramp low contrast', () => {
    const board = handcraftedFeatures(site(64, [(x, y) => ((x + y) % 2 ? 1 : 0)]), 64);
    const ramp = handcraftedFeatures(site(64, [(x) => x / 63]), 64);
    expect(get(board, 'DNA_tex_glcm_contrast_d1')).toBeGreaterThan(100);
    expect(get(ramp, 'DNA_tex_glcm_contrast_d1')).toBeLessThan(1);
    // At distance 2 the checkerboard repeats itself.
    expect(get(board, 'DNA_tex_glcm_contrast_d2')).toBeLessThan(get(board, 'DNA_tex_glcm_contrast_d1') / 2);
    expect(get(ramp, 'DNA_tex_glcm_correlation_d1')).toBeGreaterThan(0.9);
    expect(get(board, 'DNA_tex_glcm_homogeneity_d1')).toBeLessThan(get(ramp, 'DNA_tex_glcm_homogeneity_d1'));
    // Fine structure puts its energy in the finest granularity band.
    expect(get(board, 'DNA_tex_granularity_band0')).toBeGreaterThan(0.9);
    expect(get(ramp, 'DNA_tex_granularity_band0')).toBeLessThan(0.5);
  });

  it('measures channel co-localisation', () => {
    const base = noise(5);
    const vals = new Map<string, number>();
    const f: Fill = (x, y) => {
      const k = `${x},${y}`;
      if (!vals.has(k)) vals.set(k, base(x, y));
      return vals.get(k)!;
    };
    const v = handcraftedFeatures(site(64, [f, f, (x, y) => 1 - f(x, y), noise(99), f]), 64);
    expect(get(v, 'corr_DNA_ER')).toBeCloseTo(1, 3);
    expect(get(v, 'corr_DNA_RNA')).toBeCloseTo(-1, 3);
    expect(Math.abs(get(v, 'corr_DNA_AGP'))).toBeLessThan(0.1);
  });

  it('separates nuclear from cytoplasmic stains in a cell', () => {
    const nucleus = disc(64, 64, 8, 0.8, 0.02);
    const cyto: Fill = (x, y) => {
      const d = Math.hypot(x - 64, y - 64);
      return d > 8 && d <= 20 ? 0.6 : d <= 8 ? 0.15 : 0.01;
    };
    const v = handcraftedFeatures(site(128, [nucleus, cyto, cyto, cyto, cyto]), 128);
    expect(get(v, 'nuc_count')).toBe(1);
    expect(get(v, 'DNA_log_nuc_cyto_ratio')).toBeGreaterThan(1);
    expect(get(v, 'ER_log_nuc_cyto_ratio')).toBeLessThan(-0.5);
    expect(get(v, 'cell_area_mean')).toBeGreaterThan(get(v, 'nuc_area_mean') * 3);
    // Growth reaches a little past the stained ring and the blurred nucleus edge, so slightly under 0.6.
    expect(get(v, 'Mito_cyto_mean')).toBeGreaterThan(0.45);
    expect(get(v, 'Mito_cyto_mean')).toBeLessThan(0.65);
    expect(get(v, 'cell_to_nuc_area_mean')).toBeGreaterThan(3);
  });
});
