import fs from 'node:fs';
import path from 'node:path';
import { generateDemo } from '../core/demo/generate.js';
import { openProject } from '../core/db/open.js';
import { embedBaselines } from '../core/embeddings/baselines.js';
import { embedHandcrafted } from '../core/embeddings/handcrafted.js';
import { embedModels } from '../core/embeddings/models.js';
import { buildAllProfiles } from '../core/embeddings/profiles.js';
import { evaluateAll } from '../core/eval/evaluate-all.js';
import { ModelKind } from '../core/ml/kinds.js';
import { train } from '../core/ml/train.js';
import { createSplit } from '../core/split/split.js';
import { formatEval } from './embed-eval.js';
import { describeIngest, runIngest } from './ingest.js';
import { emit } from './output.js';

export async function runDemoData(o: { out: string; size: 'small' | 'default'; seed: string; json?: boolean }): Promise<void> {
  const tty = !o.json && process.stderr.isTTY;
  const m = await generateDemo({
    out: o.out,
    size: o.size,
    seed: Number(o.seed),
    onProgress: tty ? (d, t) => process.stderr.write(`\rwriting demo screen ${d}/${t}   `) : undefined,
  });
  if (tty) process.stderr.write('\r\x1b[K');
  emit(!!o.json, m, () =>
    [
      `demo screen (${m.size}) written to ${m.out}`,
      `plates: ${m.plates}  wells: ${m.wells}  sites: ${m.sites}  images: ${m.images}  compounds: ${m.compounds}`,
      ...m.ingests.map((i) => `  ${i.source}: ${i.layout} → micon ingest ${i.folder} --platemap ${i.platemap} --plate-meta ${i.plateMeta}`),
      `ground truth (for tests, never for models): ${m.groundTruth}`,
    ].join('\n'),
  );
}

/** The main job on a fresh demo screen: generate, ingest, hold compounds out, train, embed, evaluate. */
export async function runDemo(o: { out: string; size: 'small' | 'default'; json?: boolean }): Promise<void> {
  const t0 = performance.now();
  const screen = path.join(o.out, 'screen');
  const db = path.join(o.out, 'demo.micon');
  fs.rmSync(screen, { recursive: true, force: true });
  for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
  const log = (s: string) => !o.json && process.stdout.write(s + '\n');
  log(`1/6 generating the ${o.size} demo screen in ${screen}`);
  const m = await generateDemo({ out: screen, size: o.size, seed: 1 });
  log(`    ${m.plates} plates, ${m.sites} sites, ${m.images} images (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const ingests = [];
  for (const [i, src] of m.ingests.entries()) {
    log(`2/6 ingesting ${src.source} (${src.layout}) [${i + 1}/${m.ingests.length}]`);
    const s = await runIngest(src.folder, { db, platemap: src.platemap, plateMeta: src.plateMeta, json: true, quiet: true });
    log(describeIngest(s).replace(/^/gm, '    '));
    ingests.push({ source: src.source, ...s });
  }
  const project = openProject(db);
  try {
    const split = createSplit(project, { holdoutFraction: 0.25, seed: 1 });
    log(`3/6 split: ${split.heldout.length} compounds held out of training (judged as unseen), ${split.train.length} for training`);
    log('4/6 hand-crafted features');
    embedHandcrafted(project);
    const trained = [];
    for (const model of ModelKind.options) {
      const r = await train(project, {
        model,
        projectPath: path.resolve(db),
        onProgress: (p) => p.step === p.steps && log(`    ${model}: step ${p.step}, ${Math.round(p.samplesPerSecond)} samples/s [${p.backend}]`),
      });
      log(`5/6 trained ${model} (${r.steps} steps, ${r.backend}, ${r.seconds.toFixed(0)} s): loss ${r.lossStart.toFixed(3)} → ${r.lossEnd.toFixed(3)}`);
      if (model === 'micon') log(`    on ${r.trainCompounds} active training compounds; ${r.inactiveCompounds.length} look like DMSO and were left out of PaCLR (--compounds all keeps them)`);
      trained.push(r);
    }
    const embedded = await embedModels(project);
    embedBaselines(project);
    buildAllProfiles(project);
    log(`6/6 embedded every site (${embedded.map((e) => `${e.name}: onnxruntime ${e.provider}`).join(', ')}) and evaluated`);
    const evaluation = evaluateAll(project);
    const seconds = (performance.now() - t0) / 1000;
    emit(!!o.json, { project: db, screen, ingests, split, trained, evaluation, seconds }, () =>
      [formatEval(evaluation), '', `done in ${seconds.toFixed(1)} s. Project: ${db}`, `open it with: npm start -- --db ${db}`].join('\n'),
    );
  } finally {
    project.close();
  }
}
