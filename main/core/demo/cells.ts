// Procedural cells. A site is a list of cells sampled from the well's phenotype, each drawn into five
// float channels (canonical order DNA, ER, RNA, AGP, Mito) in signal units where ~1 is a bright
// structure. Sizes are in µm and converted with the source's pixel size, so the same cell covers
// more pixels on the finer-sampled instrument. Textures come from the site's noise tiles, never from
// per-pixel PRNG calls.
import type { WellPhenotype } from './phenotypes.js';
import type { Rng } from './random.js';
import { type NoiseBank, TILE } from './textures.js';

const MASK = TILE - 1;

/** Untreated cells per µm² of field (~550 per mm², a sub-confluent U2OS well at 48 h). */
const BASE_DENSITY = 1 / 1800;

interface Nucleus {
  x: number; // offset from the cell centre, px
  y: number;
  ia2: number; // 1 / semi-axis², px
  ib2: number;
  cos: number;
  sin: number;
  rMean: number;
  dna: number;
  tex: number;
  /** Condensed chromatin: clumps rather than fine texture. */
  condensed: boolean;
  /** Per nucleolus: u, v (px in the nucleus frame), 1/(2σ²), amplitude. */
  nucleoli: number[];
}

interface Blob {
  x: number;
  y: number;
  inv2s2: number;
  cut2: number;
  amp: number;
}

export interface Cell {
  kind: 'interphase' | 'mitotic' | 'apoptotic';
  cx: number;
  cy: number;
  R: number;
  /** A2, B2, A3, B3, A4, B4: the outline r(θ) = R (1 + Σ A_k cos kθ + B_k sin kθ). */
  harm: number[];
  reach: number;
  nuclei: Nucleus[];
  er: number;
  erInvLambda: number;
  erTex: number;
  rnaCyto: number;
  rnaNuc: number;
  mito: number;
  mitoInvLambda: number;
  mitoFrag: number;
  actinEdge: number;
  edgeInvW: number;
  agpDiffuse: number;
  fibres: number;
  fibreCos: number;
  fibreSin: number;
  fibreK: number;
  blobs: Blob[];
}

export interface SiteCanvas {
  width: number;
  height: number;
  pixelSizeUm: number;
  /** DNA, ER, RNA, AGP, Mito. */
  channels: Float32Array[];
  bank: NoiseBank;
  ox: number;
  oy: number;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

// exp(-x) for x in [0, 16) from a table (step 1/256): the drawing loops call it several times per
// pixel, and the table is several times faster than Math.exp with no visible difference.
const EXP_STEP = 256;
const EXP_TABLE = Float32Array.from({ length: 16 * EXP_STEP + 1 }, (_, i) => Math.exp(-i / EXP_STEP));
function expNeg(x: number): number {
  return x < 16 ? EXP_TABLE[(x * EXP_STEP) | 0] : 0;
}

function blob(x: number, y: number, sigma: number, amp: number): Blob {
  return { x, y, inv2s2: 1 / (2 * sigma * sigma), cut2: 9 * sigma * sigma, amp };
}

function nucleus(rng: Rng, x: number, y: number, a: number, b: number, dna: number, tex: number, condensed: boolean): Nucleus {
  const t = rng.range(0, Math.PI);
  return { x, y, ia2: 1 / (a * a), ib2: 1 / (b * b), cos: Math.cos(t), sin: Math.sin(t), rMean: Math.sqrt(a * b), dna, tex, condensed, nucleoli: [] };
}

function outline(rng: Rng, elong: number, irregular: number, orient: number): number[] {
  const h: number[] = [];
  const amps = [Math.min(0.4, elong), Math.min(0.2, irregular * rng.range(0.5, 1.3)), Math.min(0.15, irregular * rng.range(0.3, 1.0))];
  amps.forEach((a, i) => {
    const k = i + 2;
    const phase = i === 0 ? orient : rng.range(0, 2 * Math.PI);
    h.push(a * Math.cos(k * phase), a * Math.sin(k * phase));
  });
  return h;
}

/** One cell of the well's population; `um` converts µm to px. */
function sampleCell(rng: Rng, ph: WellPhenotype, cx: number, cy: number, um: number): Cell {
  const r = rng.next();
  const kind: Cell['kind'] = r < ph.pApoptotic ? 'apoptotic' : r < ph.pApoptotic + ph.pMitotic ? 'mitotic' : 'interphase';
  const n = () => rng.normal();
  const cycle = rng.next() ** 1.5; // 0 = G1 … 1 = G2: most cells are early in the cycle
  const rn = 6.2 * um * ph.nucSize * (1 + cycle) ** 0.35 * Math.exp(0.1 * n());
  const dna = 1.0 * ph.dnaInt * (1 + cycle) ** 0.3 * Math.exp(0.08 * n());
  const orient = rng.range(0, Math.PI);
  const cell: Cell = {
    kind,
    cx,
    cy,
    R: 18 * um * ph.cellSize * Math.exp(0.16 * n()),
    harm: [],
    reach: 0,
    nuclei: [],
    er: 0.5 * ph.erInt * Math.exp(0.15 * n()),
    erInvLambda: 1 / (5.5 * um * ph.erSpread),
    erTex: clamp01(0.55 * ph.erTexture),
    rnaCyto: 0.3 * ph.rnaCyto * Math.exp(0.12 * n()),
    rnaNuc: 0.12,
    mito: 0.75 * ph.mitoInt * Math.exp(0.15 * n()),
    mitoInvLambda: 1 / (7 * um * ph.mitoSpread),
    mitoFrag: clamp01(ph.mitoFrag + 0.08 * n()),
    actinEdge: 0.55 * ph.actinEdge * Math.exp(0.15 * n()),
    edgeInvW: 1 / (1.2 * um),
    agpDiffuse: 0.12,
    fibres: Math.min(0.9, 0.45 * ph.stressFibres * Math.exp(0.3 * n())),
    fibreCos: Math.cos(orient + 0.2 * n()),
    fibreSin: Math.sin(orient + 0.2 * n()),
    fibreK: (2 * Math.PI) / (3 * um),
    blobs: [],
  };
  if (kind === 'mitotic') {
    // Rounded up: small round outline, condensed chromosomes (a metaphase plate or a prometaphase ball),
    // bright cortex, no stress fibres, organelles diffuse through the cell.
    cell.R = 9 * um * Math.exp(0.08 * n());
    cell.harm = outline(rng, 0.03, 0.02, orient);
    const plate = rng.next() < 0.5;
    cell.nuclei.push(nucleus(rng, 0, 0, (plate ? 0.8 : 0.55) * rn, (plate ? 0.3 : 0.55) * rn, 2.0 * dna, 0.6, true));
    Object.assign(cell, { erInvLambda: 1 / (20 * um), erTex: 0.1, er: cell.er * 0.7, mito: cell.mito * 0.7, mitoInvLambda: 1 / (20 * um), fibres: 0 });
    cell.actinEdge *= 1.6;
  } else if (kind === 'apoptotic') {
    // Shrunken, blebbing cell with the chromatin in a few bright fragments.
    cell.R = 6.5 * um * Math.exp(0.15 * n());
    cell.harm = outline(rng, 0.1, 0.35, orient);
    const k = 2 + rng.int(3);
    for (let i = 0; i < k; i++) {
      const a = rng.range(0, 2 * Math.PI);
      const d = rng.range(0, 0.35) * cell.R;
      const s = rng.range(1.0, 1.7) * um;
      cell.nuclei.push(nucleus(rng, d * Math.cos(a), d * Math.sin(a), s, s, 3 * dna, 0.15, false));
    }
    Object.assign(cell, { er: cell.er * 0.3, mito: cell.mito * 0.3, mitoFrag: 1, rnaCyto: cell.rnaCyto * 0.3, fibres: 0 });
  } else {
    const aspect = Math.exp(0.2 * Math.abs(n()) * ph.nucAspect);
    const irregular = (0.05 + 0.08 * Math.abs(n())) * ph.cellIrregularity;
    cell.harm = outline(rng, 0.16 * ph.elongation * Math.abs(1 + 0.5 * n()), irregular, orient);
    const twoNuclei = rng.next() < ph.pBinucleate;
    if (twoNuclei) cell.R *= 1.25;
    const offs = twoNuclei ? [-0.6, 0.6] : [rng.range(-0.25, 0.25)];
    for (const o of offs) {
      const x = o * rn * 1.9 * Math.cos(orient) + (twoNuclei ? 0 : rng.range(-0.15, 0.15) * cell.R);
      const y = o * rn * 1.9 * Math.sin(orient) + (twoNuclei ? 0 : rng.range(-0.15, 0.15) * cell.R);
      const nu = nucleus(rng, x, y, rn * Math.sqrt(aspect), rn / Math.sqrt(aspect), dna, 0.35 * ph.dnaTexture, false);
      const count = Math.min(5, 1 + rng.poisson(1.5));
      for (let i = 0; i < count; i++) {
        const a = rng.range(0, 2 * Math.PI);
        const d = Math.sqrt(rng.next()) * 0.55;
        const s = 0.55 * um * ph.nucleoliSize * Math.exp(0.15 * n());
        nu.nucleoli.push(d * Math.cos(a) * rn * Math.sqrt(aspect), d * Math.sin(a) * rn / Math.sqrt(aspect), 1 / (2 * s * s), 0.9 * ph.nucleoliInt);
      }
      cell.nuclei.push(nu);
    }
    if (rng.next() < ph.pMicronuclei) {
      const k = 1 + rng.int(2);
      for (let i = 0; i < k; i++) {
        const a = rng.range(0, 2 * Math.PI);
        const d = rn * 1.25;
        cell.nuclei.push(nucleus(rng, cell.nuclei[0].x + d * Math.cos(a), cell.nuclei[0].y + d * Math.sin(a), 1.1 * um, 1.0 * um, 1.2 * dna, 0.1, false));
      }
    }
    // Golgi: a compact ribbon beside the nucleus that scatters into many dim elements when dispersed.
    const g = ph.golgiSpread;
    const count = Math.min(12, Math.max(3, Math.round(4 * g)));
    const ga = rng.range(0, 2 * Math.PI);
    const n0 = cell.nuclei[0];
    const gx = n0.x + (n0.rMean + 1.8 * um) * Math.cos(ga);
    const gy = n0.y + (n0.rMean + 1.8 * um) * Math.sin(ga);
    const scatter = 0.4 * um * g * g * g;
    const amp = (0.65 * ph.golgiInt * Math.exp(0.15 * n())) / Math.sqrt(count / 4);
    for (let i = 0; i < count; i++) {
      const along = rng.normal() * 1.4 * um;
      const x = gx - Math.sin(ga) * along + rng.normal() * scatter;
      const y = gy + Math.cos(ga) * along + rng.normal() * scatter;
      cell.blobs.push(blob(x, y, 0.9 * um, amp));
    }
    if (rng.next() < ph.actinFoci) {
      const k = 2 + rng.int(4);
      for (let i = 0; i < k; i++) {
        const a = rng.range(0, 2 * Math.PI);
        const d = rng.range(0.5, 0.85) * cell.R;
        cell.blobs.push(blob(d * Math.cos(a), d * Math.sin(a), 0.7 * um, 1.4));
      }
    }
  }
  // Keep every nucleus inside the outline, whatever the harmonics do.
  const amp = Math.hypot(cell.harm[0], cell.harm[1]) + Math.hypot(cell.harm[2], cell.harm[3]) + Math.hypot(cell.harm[4], cell.harm[5]);
  const nucReach = Math.max(...cell.nuclei.map((q) => Math.hypot(q.x, q.y) + Math.sqrt(1 / Math.min(q.ia2, q.ib2))));
  cell.R = Math.max(cell.R, (nucReach + 1.5 * um) / Math.max(0.3, 1 - amp));
  cell.reach = cell.R * (1 + amp) * 1.15 + 2;
  return cell;
}

/**
 * Cells of one site: a Poisson number around the phenotype's density, placed partly in colonies, with
 * nuclei never overlapping and cell bodies allowed to touch.
 */
export function sampleCells(rng: Rng, ph: WellPhenotype, width: number, height: number, pixelSizeUm: number, count?: number): Cell[] {
  const um = 1 / pixelSizeUm;
  const areaUm2 = width * height * pixelSizeUm * pixelSizeUm;
  const target = count ?? rng.poisson(BASE_DENSITY * ph.density * areaUm2);
  const cells: Cell[] = [];
  let tries = 0;
  while (cells.length < target && tries < target * 40) {
    tries++;
    let x: number;
    let y: number;
    if (cells.length && rng.next() < 0.4) {
      const p = rng.pick(cells);
      const a = rng.range(0, 2 * Math.PI);
      const d = p.R * rng.range(1.6, 2.4);
      x = p.cx + d * Math.cos(a);
      y = p.cy + d * Math.sin(a);
    } else {
      x = rng.range(-10 * um, width + 10 * um);
      y = rng.range(-10 * um, height + 10 * um);
    }
    const c = sampleCell(rng, ph, x, y, um);
    const ok = cells.every((o) => {
      const d = Math.hypot(o.cx - x, o.cy - y);
      return d > 0.75 * (o.R + c.R) && d > 1.15 * (o.nuclei[0].rMean + c.nuclei[0].rMean);
    });
    if (ok) cells.push(c);
  }
  return cells;
}

/** Add one cell to the five channels. */
export function drawCell(c: Cell, cv: SiteCanvas): void {
  const { width: w, height: h, bank, ox, oy } = cv;
  const [dnaC, erC, rnaC, agpC, mitoC] = cv.channels;
  const { fine, fine2, mid, mid2 } = bank;
  const x0 = Math.max(0, Math.floor(c.cx - c.reach));
  const x1 = Math.min(w - 1, Math.ceil(c.cx + c.reach));
  const y0 = Math.max(0, Math.floor(c.cy - c.reach));
  const y1 = Math.min(h - 1, Math.ceil(c.cy + c.reach));
  if (x0 > x1 || y0 > y1) return;
  const [A2, B2, A3, B3, A4, B4] = c.harm;
  const R = c.R;
  const reach2 = c.reach * c.reach;
  const nuclei = c.nuclei;
  const nn = nuclei.length;
  const blobs = c.blobs;
  const mitotic = c.kind === 'mitotic';
  const { er, erInvLambda, erTex, mito, mitoInvLambda, mitoFrag, rnaCyto, actinEdge, edgeInvW, agpDiffuse, fibres, fibreCos, fibreSin, fibreK } = c;
  const rnaNuc = c.rnaNuc * (mitotic ? 0.3 : 1);
  for (let y = y0; y <= y1; y++) {
    const dy = y - c.cy;
    const trow = ((y + oy) & MASK) << 10;
    for (let x = x0; x <= x1; x++) {
      const dx = x - c.cx;
      const r2 = dx * dx + dy * dy;
      if (r2 > reach2) continue;
      const r = Math.sqrt(r2) + 1e-6;
      const co = dx / r;
      const si = dy / r;
      const c2 = co * co - si * si;
      const s2 = 2 * co * si;
      const c3 = co * c2 - si * s2;
      const s3 = si * c2 + co * s2;
      const c4 = c2 * c2 - s2 * s2;
      const s4 = 2 * s2 * c2;
      const rb = R * (1 + A2 * c2 + B2 * s2 + A3 * c3 + B3 * s3 + A4 * c4 + B4 * s4);
      const dc = r / rb;
      if (dc >= 1.12) continue;
      const cellM = dc <= 0.96 ? 1 : (1.12 - dc) / 0.16;
      const idx = y * w + x;
      const t = trow | ((x + ox) & MASK);
      const fn = fine[t];
      // Nuclei: DNA with texture, nucleoli in RNA; the nearest nuclear edge drives the organelle gradients.
      let nucM = 0;
      let dnaV = 0;
      let rnaV = 0;
      let edge = 1e9;
      for (let k = 0; k < nn; k++) {
        const q = nuclei[k];
        const ndx = dx - q.x;
        const ndy = dy - q.y;
        const u = ndx * q.cos + ndy * q.sin;
        const v = -ndx * q.sin + ndy * q.cos;
        const dn2 = u * u * q.ia2 + v * v * q.ib2;
        const dn = Math.sqrt(dn2);
        const e = (dn - 1) * q.rMean;
        if (e < edge) edge = e;
        if (dn >= 1.12) continue;
        const m = dn <= 0.9 ? 1 : (1.12 - dn) / 0.22;
        const texv = q.condensed ? Math.max(0.1, 1 + q.tex * (fn - 0.5) * 4) : 1 + q.tex * (fn - 0.5) * 2.4;
        let d = q.dna * m * texv * (0.88 + 0.12 * (1 - dn2));
        const nl = q.nucleoli;
        for (let j = 0; j < nl.length; j += 4) {
          const du = u - nl[j];
          const dv = v - nl[j + 1];
          const g2 = (du * du + dv * dv) * nl[j + 2];
          if (g2 < 4.5) {
            const g = expNeg(g2);
            rnaV += nl[j + 3] * g * m;
            d *= 1 - 0.45 * g;
          }
        }
        dnaV += d;
        rnaV += rnaNuc * m;
        if (m > nucM) nucM = m;
      }
      dnaC[idx] += dnaV;
      const cyto = cellM * (1 - nucM);
      const dEdge = edge > 0 ? edge : 0;
      if (cyto > 0) {
        const md = mid[t];
        const ridge = 1 - Math.abs(2 * md - 1);
        const ret = 1 - erTex + erTex * 2.2 * ridge * ridge * ridge;
        const erProf = expNeg(dEdge * erInvLambda);
        // The nuclear envelope is continuous with the ER: a thin bright rim.
        const rim = edge > -3 && edge < 3 ? expNeg(edge * edge * 0.35) * 0.35 : 0;
        erC[idx] += er * (cyto * erProf * ret + rim * cellM);
        const mitoProf = expNeg(dEdge * mitoInvLambda);
        const m2 = 1 - Math.abs(2 * mid2[t] - 1);
        const m4 = m2 * m2;
        const fil = m4 * m4 * 2.2;
        const p = fine2[t] - 0.6;
        const punct = p > 0 ? p * 7 : 0;
        mitoC[idx] += mito * cyto * mitoProf * ((1 - mitoFrag) * fil + mitoFrag * punct);
        rnaV += rnaCyto * cyto * (0.45 + 0.55 * erProf) * (0.75 + 0.5 * md);
      }
      rnaC[idx] += rnaV;
      // AGP: cortical actin at the outline, stress fibres across the cell, Golgi and actin foci as blobs.
      const toEdge = (rb - r) * edgeInvW;
      let agp = agpDiffuse * cellM;
      if (toEdge < 3 && toEdge > -3) agp += actinEdge * expNeg(toEdge * toEdge) * cellM;
      if (fibres > 0.01 && cyto > 0) {
        const proj = dx * fibreSin - dy * fibreCos;
        // Wavy, uneven bundles rather than a grating: the phase and the strength both wander.
        const f = 0.5 + 0.5 * Math.cos(proj * fibreK + 9 * (mid2[t] - 0.5));
        const f2 = f * f;
        const f4 = f2 * f2;
        const f8 = f4 * f4;
        agp += fibres * f8 * f8 * cyto * (0.2 + 2 * mid[t] * mid[t]);
      }
      for (let k = 0; k < blobs.length; k++) {
        const b = blobs[k];
        const bx = dx - b.x;
        const by = dy - b.y;
        const d2 = bx * bx + by * by;
        if (d2 < b.cut2) agp += b.amp * expNeg(d2 * b.inv2s2) * cellM;
      }
      agpC[idx] += agp;
    }
  }
}

/** Autofluorescent debris (a fibre or dust speck), bright in every channel: a QC failure. */
export function drawDebris(rng: Rng, cv: SiteCanvas): void {
  const um = 1 / cv.pixelSizeUm;
  const cx = rng.range(0.25, 0.75) * cv.width;
  const cy = rng.range(0.25, 0.75) * cv.height;
  const blobs = Array.from({ length: 6 }, () => blob(cx + rng.normal() * 6 * um, cy + rng.normal() * 6 * um, rng.range(2, 5) * um, rng.range(4, 9)));
  for (const b of blobs) {
    const rr = Math.sqrt(b.cut2);
    for (let y = Math.max(0, Math.floor(b.y - rr)); y <= Math.min(cv.height - 1, Math.ceil(b.y + rr)); y++) {
      for (let x = Math.max(0, Math.floor(b.x - rr)); x <= Math.min(cv.width - 1, Math.ceil(b.x + rr)); x++) {
        const d2 = (x - b.x) ** 2 + (y - b.y) ** 2;
        if (d2 >= b.cut2) continue;
        const v = b.amp * Math.exp(-d2 * b.inv2s2);
        cv.channels.forEach((ch, i) => (ch[y * cv.width + x] += v * [0.6, 1, 0.8, 1, 0.7][i]));
      }
    }
  }
}
