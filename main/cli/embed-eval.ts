import { openProject } from '../core/db/open.js';
import { evaluateAll, type EvalResult } from '../core/embeddings/profiles.js';
import { featureSets } from '../core/embeddings/store.js';
import { embedAll } from '../core/jobs/embed.js';
import { InputError } from '../core/types.js';
import { emit } from './output.js';

export async function runEmbed(o: { db: string; json?: boolean }): Promise<void> {
  const db = openProject(o.db);
  try {
    const tty = !o.json && process.stderr.isTTY;
    const r = await embedAll(db, {
      label: o.db,
      onProgress: tty
        ? (p) => {
            if (p.stage === 'handcrafted') process.stderr.write(`\rhandcrafted features ${p.done}/${p.total}   `);
            else if (p.stage === 'models' && p.done === 0) process.stderr.write('\r\x1b[K');
          }
        : undefined,
    });
    const { featureSets: profiles, models, seconds } = r;
    emit(!!o.json, r, () =>
      [
        ...profiles.map((p) => `${p.featureSet.padEnd(14)} ${p.wells} well profiles × ${p.dim} (MAD vs DMSO per plate, ZCA on ${p.controlWells} ${p.spheringReference} wells)`),
        ...models.map((m) => `  ${m.name}: ${m.sites} ${m.samples} embedded with onnxruntime (${m.provider}), ${Math.round(m.sitesPerSecond)} ${m.samples}/s`),
        `time: ${seconds.toFixed(1)} s`,
      ].join('\n'),
    );
  } finally {
    db.close();
  }
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '   –' : x.toFixed(2).padStart(4));

export function formatEval(r: EvalResult): string {
  const lines = [`split: ${r.split.heldout_compounds} held-out compounds${r.split.id === null ? ' (no split recorded: run micon split; every compound counts as trained)' : ''}`];
  for (const group of ['heldout', 'trained'] as const) {
    lines.push('', `${group === 'heldout' ? 'HELD-OUT compounds (never seen in training)' : 'TRAINED compounds'}`);
    lines.push(`${'feature set'.padEnd(24)} queries  NSB@1 NSB@5 NSS@1 NSS@5 NSS@10  mAP  sig  mech`);
    for (const [name, rep] of Object.entries(r.featureSets)) {
      const g = rep[group];
      lines.push(
        `${name.padEnd(24)} ${String(g.queries).padStart(7)}  ${pct(g.nsb.top1)}  ${pct(g.nsb.top5)}  ${pct(g.nss.top1)}  ${pct(g.nss.top5)}  ${pct(g.nss.top10)}  ${pct(g.map)} ${pct(g.mapSignificantFraction)} ${pct(g.mechanism?.map)}`,
      );
    }
  }
  if (r.split.id !== null) lines.push('', bestLine(r));
  return lines.join('\n');
}

/** Which feature set leads on held-out compounds, per headline metric (ties named together). */
function bestLine(r: EvalResult): string {
  const lead = (get: (g: EvalResult['featureSets'][string]['heldout']) => number | null) => {
    const scored = Object.entries(r.featureSets).flatMap(([n, rep]) => {
      const v = get(rep.heldout);
      return v === null ? [] : [{ n, v: Math.round(v * 100) / 100 }];
    });
    const top = Math.max(...scored.map((x) => x.v));
    return scored.length ? `${scored.filter((x) => x.v === top).map((x) => x.n).join(', ')} (${top.toFixed(2)})` : '–';
  };
  return `best on held-out compounds: NSS@1 ${lead((g) => g.nss.top1)}; mAP ${lead((g) => g.map)}; mechanism ${lead((g) => g.mechanism?.map ?? null)}`;
}

export function runEval(o: { db: string; permutations: string; json?: boolean }): void {
  const db = openProject(o.db);
  try {
    if (!featureSets(db).length) throw new InputError(`${o.db}: nothing to evaluate yet; run micon embed first`);
    const r = evaluateAll(db, { permutations: Number(o.permutations) });
    emit(!!o.json, r, () => formatEval(r));
  } finally {
    db.close();
  }
}
