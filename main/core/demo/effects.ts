// What the microscope adds: per-source instrument (image size, pixel size, bit depth, channel order
// and names), per-batch gain, offset and illumination falloff, per-plate gain drift, and shot + read
// noise. These are the nuisance factors a batch-robust embedding has to see through; a per-plate
// illumination correction should remove the falloff, since it is constant within a batch.
import { CHANNELS, type ChannelName } from '../types.js';
import type { Rng } from './random.js';
import { TILE } from './textures.js';

export interface InstrumentChannel {
  /** The instrument's channel number (w<n> / ch<n>). */
  index: number;
  /** The stain name the operator typed into the acquisition software. */
  name: string;
  channel: ChannelName;
  excitationNm: number;
  emissionNm: number;
  exposureMs: number;
}

export interface Instrument {
  source: 'source_1' | 'source_2';
  layout: 'imagexpress' | 'phenix';
  model: string;
  width: number;
  height: number;
  pixelSizeUm: number;
  bitDepth: 12 | 16;
  maxValue: number;
  /** In the instrument's own order. */
  channels: InstrumentChannel[];
  /** ADU per signal unit, before batch/plate factors. */
  gain: Record<ChannelName, number>;
  offset: number;
  /** Sensor noise: variance = shot * signal(ADU) + read². */
  shot: number;
  read: number;
  /** Out-of-cell fluorescence (medium, plastic), signal units. */
  background: Record<ChannelName, number>;
}

const ch = (index: number, name: string, channel: ChannelName, excitationNm: number, emissionNm: number, exposureMs: number): InstrumentChannel => ({
  index,
  name,
  channel,
  excitationNm,
  emissionNm,
  exposureMs,
});

/** Source 1: ImageXpress Micro Confocal, widefield LED, full 16-bit range, channels in DNA…Mito order. */
export function imagexpress(size: 'small' | 'default'): Instrument {
  const side = size === 'small' ? 256 : 512;
  return {
    source: 'source_1',
    layout: 'imagexpress',
    model: 'ImageXpress Micro Confocal',
    width: side,
    height: side,
    pixelSizeUm: 0.7032,
    bitDepth: 16,
    maxValue: 65535,
    channels: [
      ch(1, 'Hoechst 33342', 'DNA', 377, 447, 40),
      ch(2, 'Concanavalin A 488', 'ER', 482, 536, 80),
      ch(3, 'SYTO 14', 'RNA', 531, 593, 100),
      ch(4, 'Phalloidin 568 WGA', 'AGP', 562, 624, 60),
      ch(5, 'MitoTracker Deep Red', 'Mito', 628, 692, 120),
    ],
    gain: { DNA: 15000, ER: 17000, RNA: 18000, AGP: 20000, Mito: 20000 },
    offset: 110,
    shot: 2.0,
    read: 12,
    background: { DNA: 0.015, ER: 0.04, RNA: 0.03, AGP: 0.035, Mito: 0.02 },
  };
}

/** Source 2: Opera Phenix, confocal, 12-bit data in 16-bit files, channels numbered Mito first (as JUMP source_4). */
export function phenix(size: 'small' | 'default'): Instrument {
  const side = size === 'small' ? 224 : 480;
  return {
    source: 'source_2',
    layout: 'phenix',
    model: 'Opera Phenix',
    width: side,
    height: side,
    pixelSizeUm: 0.598,
    bitDepth: 12,
    maxValue: 4095,
    channels: [
      ch(1, 'MitoTracker Deep Red', 'Mito', 640, 706, 200),
      ch(2, 'Phalloidin/WGA 568', 'AGP', 561, 599, 100),
      ch(3, 'SYTO 14', 'RNA', 488, 570, 120),
      ch(4, 'ConA Alexa 488', 'ER', 488, 522, 80),
      ch(5, 'Hoechst 33342', 'DNA', 405, 456, 60),
    ],
    gain: { DNA: 1050, ER: 1250, RNA: 1300, AGP: 1450, Mito: 1500 },
    offset: 100,
    shot: 0.5,
    read: 2.5,
    background: { DNA: 0.01, ER: 0.025, RNA: 0.02, AGP: 0.02, Mito: 0.015 },
  };
}

/** Illumination falloff: 1 - strength·ρ^exponent around an off-centre optical axis, times a gentle tilt. */
export interface Vignetting {
  /** Optical centre as a fraction of the image width/height. */
  cx: number;
  cy: number;
  strength: number;
  exponent: number;
  tiltX: number;
  tiltY: number;
}

export interface BatchTech {
  gain: Record<ChannelName, number>;
  offset: Record<ChannelName, number>;
  vignetting: Record<ChannelName, Vignetting>;
}

export interface PlateTech extends BatchTech {
  /** Lamp/laser drift within the batch, already folded into `gain`. */
  drift: Record<ChannelName, number>;
}

const perChannel = <T>(f: (c: ChannelName, i: number) => T) => Object.fromEntries(CHANNELS.map((c, i) => [c, f(c, i)])) as Record<ChannelName, T>;
const round = (v: number, d = 4) => Number(v.toFixed(d));

export function batchTech(rng: Rng, inst: Instrument): BatchTech {
  // One optical axis per batch (the instrument was serviced / re-aligned between batches); each
  // wavelength sees it a little differently.
  const cx = 0.5 + rng.range(-0.12, 0.12);
  const cy = 0.5 + rng.range(-0.12, 0.12);
  const strength = inst.layout === 'imagexpress' ? rng.range(0.25, 0.4) : rng.range(0.12, 0.22);
  const exponent = rng.range(2, 2.6);
  return {
    gain: perChannel((c) => round(inst.gain[c] * Math.exp(0.15 * rng.normal()), 1)),
    offset: perChannel(() => Math.round(inst.offset + (inst.bitDepth === 16 ? 25 : 6) * rng.normal())),
    vignetting: perChannel(() => ({
      cx: round(cx + 0.03 * rng.normal()),
      cy: round(cy + 0.03 * rng.normal()),
      strength: round(strength * Math.exp(0.15 * rng.normal())),
      exponent: round(exponent),
      tiltX: round(0.06 * rng.normal()),
      tiltY: round(0.06 * rng.normal()),
    })),
  };
}

export function plateTech(rng: Rng, batch: BatchTech): PlateTech {
  const drift = perChannel(() => round(Math.exp(0.03 * rng.normal())));
  return { ...batch, drift, gain: perChannel((c) => round(batch.gain[c] * drift[c], 1)) };
}

export function illuminationField(width: number, height: number, v: Vignetting): Float32Array {
  const f = new Float32Array(width * height);
  const norm = 1 / (0.5 * Math.SQRT2);
  for (let y = 0; y < height; y++) {
    const fy = y / height;
    const dy = (fy - v.cy) * norm;
    for (let x = 0; x < width; x++) {
      const fx = x / width;
      const dx = (fx - v.cx) * norm;
      const rho2 = dx * dx + dy * dy;
      const fall = 1 - v.strength * Math.pow(rho2, v.exponent / 2);
      f[y * width + x] = Math.max(0.2, fall * (1 + v.tiltX * (fx - 0.5) + v.tiltY * (fy - 0.5)));
    }
  }
  return f;
}

export interface SensorInput {
  signal: Float32Array;
  illumination: Float32Array;
  /** Background unevenness tile and the site's offset into it. */
  coarse: Float32Array;
  ox: number;
  oy: number;
  background: number;
  gain: number;
  offset: number;
  shot: number;
  read: number;
  maxValue: number;
  gauss: Float32Array;
  /** xorshift32 seed for this image (non-zero). */
  noiseSeed: number;
}

/** Signal → camera counts: illumination, gain, offset, shot + read noise, quantisation, clipping. */
export function sensor(width: number, height: number, p: SensorInput): Uint16Array {
  const out = new Uint16Array(width * height);
  const { signal, illumination, coarse, gauss, gain, offset, shot, background, maxValue } = p;
  const read2 = p.read * p.read;
  const ox = p.ox;
  const oy = p.oy;
  let s = p.noiseSeed | 0 || 0x2545f491;
  const mask = TILE - 1;
  for (let y = 0; y < height; y++) {
    const trow = ((y + oy) & mask) << 10;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const bg = background * (0.7 + 0.6 * coarse[trow | ((x + ox) & mask)]);
      const v = gain * illumination[i] * (signal[i] + bg);
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const noisy = offset + v + Math.sqrt(shot * v + read2) * gauss[s >>> 16];
      out[i] = noisy <= 0 ? 0 : noisy >= maxValue ? maxValue : (noisy + 0.5) | 0;
    }
  }
  return out;
}
