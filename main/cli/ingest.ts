import fs from 'node:fs';
import { ingestFolder, type IngestSummary } from '../core/ingest/ingest.js';
import { parseChannelOption } from '../core/plates/channels.js';
import { LAYOUT_LABEL } from '../core/plates/detect.js';
import { InputError } from '../core/types.js';
import { emit, formatProblems } from './output.js';
import { openCliProject } from './project.js';

export interface IngestCliOptions {
  db: string;
  platemap?: string;
  source?: string;
  batch?: string;
  plateMeta?: string;
  channels?: string;
  cacheSize?: string;
  allowConflicts?: boolean;
  json?: boolean;
  /** Return the summary without printing it (used by `micon demo`). */
  quiet?: boolean;
}

export async function runIngest(folder: string, o: IngestCliOptions): Promise<IngestSummary> {
  for (const [flag, f] of [['--platemap', o.platemap], ['--plate-meta', o.plateMeta]] as const) {
    if (f && !fs.existsSync(f)) throw new InputError(`${flag} ${f}: no such file`);
  }
  const db = openCliProject(o.db, { create: true });
  try {
    const tty = !o.json && process.stderr.isTTY;
    const s = await ingestFolder(db, folder, {
      platemap: o.platemap,
      plateMeta: o.plateMeta,
      source: o.source,
      batch: o.batch,
      channels: o.channels ? parseChannelOption(o.channels) : undefined,
      cacheSize: o.cacheSize ? Number(o.cacheSize) : undefined,
      allowConflicts: !!o.allowConflicts,
      onProgress: tty ? (p) => process.stderr.write(`\r${p.plate ?? ''} ${p.stage} ${p.done}/${p.total}   `) : undefined,
    });
    if (tty) process.stderr.write('\r\x1b[K');
    if (!o.quiet) emit(!!o.json, s, () => describeIngest(s));
    // Scripts must be able to tell a partial import: 2 nothing imported, 3 some plates skipped or refused.
    if (s.plates === 0) process.exitCode = 2;
    else if (s.skipped.length || s.refused.length) process.exitCode = 3;
    return s;
  } finally {
    db.close();
  }
}

export function describeIngest(s: IngestSummary): string {
  const tiffsPerS = s.seconds > 0 ? Math.round(s.images / s.seconds) : 0;
  return [
    `layout: ${s.layout}`,
    `plates: ${s.plates}${s.replaced.length ? ` (replaced: ${s.replaced.join(', ')})` : ''}${s.refused.length ? ` (refused: ${s.refused.join(', ')})` : ''}`,
    ...s.skipped.map((k) => `skipped: ${k.plates.length} ${LAYOUT_LABEL[k.layout]} plate(s) of another layout, not imported (import them separately): ${k.plates.slice(0, 3).join(', ')}${k.plates.length > 3 ? ', …' : ''}`),
    `wells: ${s.wells}   sites: ${s.sites}   images: ${s.images}   channels: 5 (DNA, ER, RNA, AGP, Mito)`,
    ...s.channelMappings.map((m) => `channels of ${m.plate}: ${m.mapping}`),
    `compounds: ${s.compounds}   control wells: ${s.controls}`,
    `time: ${s.seconds.toFixed(1)} s (${tiffsPerS} images/s)`,
    formatProblems(s.problems),
  ].join('\n');
}
