// One site from plan to camera counts: sample cells from the well's phenotype, draw them, add the
// optics (PSF, defocus) and the sensor (illumination, gain, offset, noise, bit depth).
import { CHANNELS } from '../types.js';
import { type Cell, drawCell, drawDebris, sampleCells, type SiteCanvas } from './cells.js';
import type { PlatePlan, SitePlan, WellPlan } from './design.js';
import { illuminationField, sensor } from './effects.js';
import { hashSeed, rngFor } from './random.js';
import { defocus, type NoiseBank, psfBlur, TILE } from './textures.js';

export interface RenderContext {
  seed: number;
  banks: Map<string, NoiseBank>;
  gauss: Float32Array;
  /** Illumination fields by "source/batch/channel" (the falloff is a property of the batch), built on first use. */
  illumination: Map<string, Float32Array>;
}

export interface RenderedSite {
  /** Camera images in the instrument's channel order. */
  images: Uint16Array[];
  cells: Cell[];
}

export function renderSite(ctx: RenderContext, plate: PlatePlan, well: WellPlan, site: SitePlan): RenderedSite {
  const inst = plate.instrument;
  const { width: w, height: h } = inst;
  const rng = rngFor(ctx.seed, 'site', plate.name, well.well, site.site);
  const cv: SiteCanvas = {
    width: w,
    height: h,
    pixelSizeUm: inst.pixelSizeUm,
    channels: CHANNELS.map(() => new Float32Array(w * h)),
    bank: ctx.banks.get(inst.source)!,
    ox: rng.int(TILE),
    oy: rng.int(TILE),
  };
  // A nearly empty field: the autofocus found a scratch or the cells detached there.
  const count = site.qc === 'empty_field' ? 1 + rng.int(3) : undefined;
  const cells = sampleCells(rng, well.phenotype, w, h, inst.pixelSizeUm, count);
  for (const c of cells) drawCell(c, cv);
  if (site.qc === 'debris') drawDebris(rng, cv);
  const tmp = new Float32Array(w * h);
  for (const ch of cv.channels) {
    psfBlur(ch, w, h, tmp);
    if (site.blurSigma > 0) defocus(ch, w, h, site.blurSigma, tmp);
  }
  const images = inst.channels.map((ic) => {
    const key = `${plate.source}/${plate.batch}/${ic.channel}`;
    let illum = ctx.illumination.get(key);
    if (!illum) {
      illum = illuminationField(w, h, plate.tech.vignetting[ic.channel]);
      ctx.illumination.set(key, illum);
    }
    return sensor(w, h, {
      signal: cv.channels[CHANNELS.indexOf(ic.channel)],
      illumination: illum,
      coarse: cv.bank.coarse,
      ox: cv.ox,
      oy: cv.oy,
      background: inst.background[ic.channel],
      gain: plate.tech.gain[ic.channel],
      offset: plate.tech.offset[ic.channel],
      shot: inst.shot,
      read: inst.read,
      maxValue: inst.maxValue,
      gauss: ctx.gauss,
      noiseSeed: hashSeed(ctx.seed, 'sensor', plate.name, well.well, site.site, ic.index),
    });
  });
  return { images, cells };
}
