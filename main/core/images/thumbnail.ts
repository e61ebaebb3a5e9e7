import sharp from 'sharp';

/**
 * A well thumbnail from one preprocessed site (values 0..1, [channel][y][x] in DNA, ER, RNA, AGP, Mito
 * order): the usual Cell Painting false colour: DNA blue, ER+RNA green, AGP+Mito red, each
 * stretched to its own 99th percentile so dim channels still show.
 */
export async function wellThumbnail(site: Float32Array, size: number, outSize = 64): Promise<Buffer> {
  const n = size * size;
  const ch = (c: number) => site.subarray(c * n, (c + 1) * n);
  const stretch = (a: Float32Array) => {
    // Every 7th pixel is plenty for a 1st/99th percentile and keeps thumbnails cheap.
    const sorted = Float32Array.from({ length: Math.ceil(a.length / 7) }, (_, i) => a[i * 7]).sort();
    const hi = Math.max(sorted[Math.floor(0.99 * (sorted.length - 1))], 1e-6);
    const lo = sorted[Math.floor(0.01 * (sorted.length - 1))];
    return (v: number) => Math.max(0, Math.min(1, (v - lo) / Math.max(hi - lo, 1e-6)));
  };
  const [dna, er, rna, agp, mito] = [0, 1, 2, 3, 4].map(ch);
  const s = [dna, er, rna, agp, mito].map(stretch);
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const r = 0.7 * s[3](agp[i]) + 0.5 * s[4](mito[i]);
    const g = 0.7 * s[1](er[i]) + 0.4 * s[2](rna[i]);
    const b = s[0](dna[i]);
    rgb[i * 3] = Math.min(255, Math.round(255 * r));
    rgb[i * 3 + 1] = Math.min(255, Math.round(255 * g));
    rgb[i * 3 + 2] = Math.min(255, Math.round(255 * b));
  }
  return sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
    .resize(outSize, outSize, { kernel: 'lanczos3' })
    .png({ compressionLevel: 6 })
    .toBuffer();
}
