import path from 'node:path';
import { readText } from './files.js';

/** What an ImageXpress .HTD file says about its plate. */
export interface Htd {
  file: string;
  /** Base name without extension and without a trailing `_meta`. */
  plate: string;
  rows?: number;
  cols?: number;
  /** w<n> -> WaveName<n>. */
  waveNames: Record<string, string>;
}

export function isHtdName(name: string): boolean {
  return /\.htd$/i.test(name);
}

function htdPlateName(file: string): string {
  return path.basename(file).replace(/\.htd$/i, '').replace(/_meta$/i, '');
}

/** Lines are `"Key", value` (values may be quoted); keys are matched case-insensitively. */
export function parseHtd(text: string, file: string): Htd {
  const kv = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    // (.*) then trim(): a lazy (.*?)\s*$ took quadratic time on a long run of spaces inside a value.
    const m = /^\s*"([^"]+)"\s*,(.*)$/.exec(line);
    if (m) kv.set(m[1].trim().toLowerCase(), m[2].trim().replace(/^"(.*)"$/, '$1').trim());
  }
  const num = (k: string) => {
    const n = Number(kv.get(k));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const waveNames: Record<string, string> = {};
  for (const [k, v] of kv) {
    const m = /^wavename(\d+)$/.exec(k);
    if (m && v) waveNames[`w${Number(m[1])}`] = v;
  }
  return { file, plate: htdPlateName(file), rows: num('ywells'), cols: num('xwells'), waveNames };
}

export async function readHtd(file: string): Promise<Htd> {
  return parseHtd(await readText(file), file);
}
