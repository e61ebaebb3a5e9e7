/**
 * Area-average a centred square crop of a 16-bit image down to size×size in one pass, collecting
 * what saturation QC needs from the full-resolution pixels (the maximum, and how many pixels sit at
 * it when it is a camera ceiling). Bins are the integer partition floor(i*size/side), so every
 * source pixel lands in exactly one output pixel.
 */
export interface DownsampleResult {
  out: Float32Array;
  maxValue: number;
  countAtMax: number;
}

const binCache = new Map<string, { ends: Int32Array; rowBin: Int32Array; counts: Float64Array }>();

/** Integer partition of `side` pixels into `size` bins: bin i covers [ends[i-1], ends[i]). */
function bins(side: number, size: number) {
  const key = `${side}:${size}`;
  let b = binCache.get(key);
  if (!b) {
    const rowBin = new Int32Array(side);
    const counts = new Float64Array(size);
    const ends = new Int32Array(size);
    for (let i = 0; i < side; i++) {
      rowBin[i] = Math.min(size - 1, Math.floor((i * size) / side));
      counts[rowBin[i]]++;
      ends[rowBin[i]] = i + 1;
    }
    b = { ends, rowBin, counts };
    binCache.set(key, b);
  }
  return b;
}

/** Ceilings a camera saturates at (12-bit data in 16-bit files, 16-bit, 8-bit). */
const CEILINGS = new Set([255, 4095, 65535]);

export function downsampleSquare(src: Uint16Array, width: number, height: number, size: number): DownsampleResult {
  const side = Math.min(width, height);
  if (side < size) return upsampleNearest(src, width, height, size);
  const x0 = (width - side) >> 1;
  const y0 = (height - side) >> 1;
  const { ends, rowBin, counts } = bins(side, size);
  // Integer sums: a bin of up to 32×32 pixels of 65535 fits in uint32 with room to spare.
  const acc = new Uint32Array(size * size);
  let maxValue = 0;
  for (let y = 0; y < side; y++) {
    const base = rowBin[y] * size;
    let p = (y + y0) * width + x0;
    const rowStart = p;
    for (let bx = 0; bx < size; bx++) {
      const end = rowStart + ends[bx];
      let sum = 0;
      for (; p < end; p++) {
        const v = src[p];
        sum += v;
        if (v > maxValue) maxValue = v;
      }
      acc[base + bx] += sum;
    }
  }
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) out[y * size + x] = acc[y * size + x] / (counts[y] * counts[x]);
  }
  // Counting pixels at the maximum only matters for saturation, i.e. when the maximum is a ceiling.
  let countAtMax = 0;
  if (CEILINGS.has(maxValue)) {
    for (let y = 0; y < side; y++) {
      let p = (y + y0) * width + x0;
      const end = p + side;
      for (; p < end; p++) if (src[p] === maxValue) countAtMax++;
    }
  }
  return { out, maxValue, countAtMax };
}

/**
 * Focus score: variance of the 4-neighbour Laplacian over a 3-pixel grid of the full-resolution image,
 * divided by the squared mean so it does not depend on exposure or gain. Defocus lowers it.
 */
export function focusScore(src: Uint16Array, width: number, height: number): number {
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  let mean = 0;
  for (let y = 1; y < height - 1; y += 3) {
    let p = y * width + 1;
    for (let x = 1; x < width - 1; x += 3, p += 3) {
      const c = src[p];
      const l = src[p - 1] + src[p + 1] + src[p - width] + src[p + width] - 4 * c;
      sum += l;
      sum2 += l * l;
      mean += c;
      n++;
    }
  }
  if (!n) return 0;
  mean /= n;
  const v = sum2 / n - (sum / n) ** 2;
  return mean > 0 ? v / (mean * mean) : 0;
}

/** Images smaller than the cache (thumbnails, tiny test plates) are enlarged by nearest neighbour. */
function upsampleNearest(src: Uint16Array, width: number, height: number, size: number): DownsampleResult {
  const side = Math.min(width, height);
  const x0 = (width - side) >> 1;
  const y0 = (height - side) >> 1;
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const sy = y0 + Math.floor((y * side) / size);
    for (let x = 0; x < size; x++) out[y * size + x] = src[sy * width + x0 + Math.floor((x * side) / size)];
  }
  let maxValue = 0;
  let countAtMax = 0;
  for (const v of src) {
    if (v > maxValue) {
      maxValue = v;
      countAtMax = 0;
    }
    if (v === maxValue) countAtMax++;
  }
  return { out, maxValue, countAtMax };
}
