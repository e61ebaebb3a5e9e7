import { describe, expect, it } from 'vitest';
import { downsampleSquare, focusScore } from '../../../../main/core/images/downsample.js';

describe('downsampleSquare', () => {
  it('area-averages exactly when the size divides the side', () => {
    const src = new Uint16Array(16);
    src.set([1, 3, 10, 20, 5, 7, 30, 40, 4095, 4095, 0, 0, 4095, 4095, 0, 4]);
    const r = downsampleSquare(src, 4, 4, 2);
    expect(Array.from(r.out)).toEqual([4, 25, 4095, 1]);
    expect(r.maxValue).toBe(4095);
    // 4095 is a 12-bit camera's ceiling: saturated pixels are counted.
    expect(r.countAtMax).toBe(4);
  });

  it('crops the centre square of a non-square image', () => {
    // 6×4: the centre 4×4 crop starts at x=1; columns 0 and 5 hold a value that must not leak in.
    const src = new Uint16Array(24).fill(10);
    for (let y = 0; y < 4; y++) {
      src[y * 6] = 60000;
      src[y * 6 + 5] = 60000;
    }
    const r = downsampleSquare(src, 6, 4, 2);
    expect(Array.from(r.out)).toEqual([10, 10, 10, 10]);
    expect(r.maxValue).toBe(10);
  });

  it('preserves the mean for sizes that do not divide the side', () => {
    const side = 1080;
    const src = new Uint16Array(side * side);
    for (let i = 0; i < src.length; i++) src[i] = (i * 2654435761) % 4096;
    let mean = 0;
    for (const v of src) mean += v;
    mean /= src.length;
    const r = downsampleSquare(src, side, side, 128);
    const outMean = r.out.reduce((a, b) => a + b, 0) / r.out.length;
    expect(Math.abs(outMean - mean) / mean).toBeLessThan(0.01);
  });

  it('enlarges images smaller than the cache', () => {
    const src = Uint16Array.from([1, 2, 3, 4]);
    const r = downsampleSquare(src, 2, 2, 4);
    expect(Array.from(r.out)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });
});

describe('focusScore', () => {
  it('drops when the image is blurred', () => {
    const w = 64;
    const sharpImg = new Uint16Array(w * w);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) sharpImg[y * w + x] = (x >> 2) % 2 === (y >> 2) % 2 ? 3000 : 1000;
    const blurred = new Uint16Array(w * w);
    for (let y = 0; y < w; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        let n = 0;
        for (let dy = -2; dy <= 2; dy++) {
          for (let dx = -2; dx <= 2; dx++) {
            const yy = Math.min(w - 1, Math.max(0, y + dy));
            const xx = Math.min(w - 1, Math.max(0, x + dx));
            s += sharpImg[yy * w + xx];
            n++;
          }
        }
        blurred[y * w + x] = s / n;
      }
    }
    expect(focusScore(blurred, w, w)).toBeLessThan(0.3 * focusScore(sharpImg, w, w));
  });
});
