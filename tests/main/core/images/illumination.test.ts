import { describe, expect, it } from 'vitest';
import { IlluminationAccumulator } from '../../../../main/core/images/illumination.js';

describe('IlluminationAccumulator', () => {
  it('recovers a smooth vignetting pattern from many sites with random content and divides it out', () => {
    const size = 32;
    const falloff = (x: number, y: number) => 1 - 0.5 * (((x - 16) / 16) ** 2 + ((y - 16) / 16) ** 2) / 2;
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const acc = new IlluminationAccumulator(size);
    const sites: Float32Array[] = [];
    for (let s = 0; s < 200; s++) {
      const img = new Float32Array(size * size);
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) img[y * size + x] = (500 + 1000 * rand()) * falloff(x, y);
      acc.add(img);
      sites.push(img);
    }
    const illum = acc.finish();
    const mean = illum.reduce((a, b) => a + b, 0) / illum.length;
    expect(mean).toBeCloseTo(1, 3);
    // Corner/centre ratio of the estimate matches the true falloff within a few percent.
    const ratio = illum[0] / illum[16 * size + 16];
    expect(ratio).toBeGreaterThan(falloff(0, 0) / falloff(16, 16) - 0.08);
    expect(ratio).toBeLessThan(falloff(0, 0) / falloff(16, 16) + 0.08);
    // After correction, the average corner is as bright as the average centre.
    let corner = 0;
    let centre = 0;
    for (const img of sites) {
      corner += img[1 * size + 1] / illum[1 * size + 1];
      centre += img[16 * size + 16] / illum[16 * size + 16];
    }
    expect(Math.abs(corner / centre - 1)).toBeLessThan(0.1);
  });

  it('is flat when there are too few sites to estimate it', () => {
    const acc = new IlluminationAccumulator(8);
    acc.add(new Float32Array(64).fill(5));
    expect(Array.from(new Set(acc.finish()))).toEqual([1]);
  });
});
