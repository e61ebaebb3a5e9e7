// Connected components and per-object shape measures shared by nuclei and cells.

/** 8-connected components of a w×h mask; labels 1..k. Returns k. */
export function label8(mask: Uint8Array, w: number, h: number, labels: Int32Array): number {
  labels.fill(0);
  const stack = new Int32Array(mask.length);
  let k = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    k++;
    let top = 0;
    stack[top++] = start;
    labels[start] = k;
    while (top) {
      const i = stack[--top];
      const y = (i / w) | 0;
      const x = i - y * w;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const j = yy * w + xx;
          if (mask[j] && !labels[j]) {
            labels[j] = k;
            stack[top++] = j;
          }
        }
      }
    }
  }
  return k;
}

// Pixel faces between the object and anything else, times π/4: the crack length's expected ratio to the true
// length of a randomly oriented boundary is 4/π, so this is an unbiased perimeter for round objects.
export function cracks(labels: Int32Array, i: number, x: number, y: number, w: number, h: number, l: number): number {
  let c = 0;
  if (x === 0 || labels[i - 1] !== l) c++;
  if (x === w - 1 || labels[i + 1] !== l) c++;
  if (y === 0 || labels[i - w] !== l) c++;
  if (y === h - 1 || labels[i + w] !== l) c++;
  return c * (Math.PI / 4);
}

export function shape(c: { area: number; sx: number; sy: number; sxx: number; syy: number; sxy: number; perimeter: number }) {
  const a = c.area;
  const mx = c.sx / a;
  const my = c.sy / a;
  // Second central moments (+1/12 for the pixel's own extent, so a single pixel is a unit square, not a point).
  const cxx = c.sxx / a - mx * mx + 1 / 12;
  const cyy = c.syy / a - my * my + 1 / 12;
  const cxy = c.sxy / a - mx * my;
  const tr = cxx + cyy;
  const det = Math.sqrt(Math.max(0, ((cxx - cyy) * (cxx - cyy)) / 4 + cxy * cxy));
  const l1 = tr / 2 + det;
  const l2 = Math.max(tr / 2 - det, 0);
  const major = 4 * Math.sqrt(l1);
  const minor = 4 * Math.sqrt(l2);
  return {
    major,
    minor,
    eccentricity: l1 > 0 ? Math.sqrt(Math.max(0, 1 - l2 / l1)) : 0,
    formfactor: c.perimeter > 0 ? Math.min(4, (4 * Math.PI * a) / (c.perimeter * c.perimeter)) : 0,
    ellipseFill: major * minor > 0 ? a / ((Math.PI * major * minor) / 4) : 0,
  };
}

