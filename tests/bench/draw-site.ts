/**
 * Cell-like 16-bit content for benchmark plates (blobs on a noisy background), so decode and QC see
 * realistic data. Deterministic in (seed, channel).
 */
export function drawSite(side: number, seed: number, channel: number, o: { blobs: number; radius: [number, number]; amplitude: number; noiseShift: number }): Uint16Array {
  let s = (seed * 7919 + channel * 104729) >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const img = new Uint16Array(side * side);
  for (let i = 0; i < img.length; i++) img[i] = 300 + ((i * 2654435761) >>> o.noiseShift);
  for (let c = 0; c < o.blobs; c++) {
    const cx = rnd() * side;
    const cy = rnd() * side;
    const r = o.radius[0] + rnd() * o.radius[1];
    const amp = 2000 + rnd() * o.amplitude * (channel + 1);
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(side, cy + r); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(side, cx + r); x++) {
        const d2 = ((x - cx) ** 2 + (y - cy) ** 2) / (r * r);
        if (d2 < 1) img[y * side + x] = Math.min(65535, img[y * side + x] + amp * (1 - d2));
      }
    }
  }
  return img;
}
