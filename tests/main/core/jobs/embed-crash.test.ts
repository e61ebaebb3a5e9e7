// kill -9 during `embed`: the real job process is SIGKILLed in each stage (hand-crafted features,
// the trained model through onnxruntime, well profiles) of a re-embedding of a project that was
// trained and embedded once without interruption. Afterwards the project opens and is intact; no
// feature set is half-written: each has a vector for every site (the same vectors as the clean run)
// and either a profile for every well with its sphering (the same as the clean run) or no profiles at
// all; evaluation, search, the explorer and export only use sets with profiles; and running embed
// again gives exactly the clean run's sets.
import crypto from 'node:crypto';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { defaultExportFeatureSet, exportProfiles } from '../../../../main/core/embeddings/export-profiles.js';
import { evaluateAll } from '../../../../main/core/eval/evaluate-all.js';
import { HANDCRAFTED_VERSION } from '../../../../main/core/features/handcrafted.js';
import { embedAll } from '../../../../main/core/jobs/embed.js';
import { runJob } from '../../../../main/core/jobs/host.js';
import { featureSetChoices } from '../../../../main/core/search/profile-map.js';
import { runQuery } from '../../../../main/core/search/query.js';
import { InputError } from '../../../../main/core/types.js';
import { killJobOn, openIntact, runCli } from '../../../helpers/kill.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { copyProject, makeTrainingProject } from '../../../helpers/training-project.js';

const dir = tmpDir('micon-embed-crash-');
/** Trained (30 steps) and embedded once, uninterrupted. */
let base: string;
let clean: Record<string, SetPrint>;

beforeAll(async () => {
  base = await makeTrainingProject(dir);
  await runJob('train', { db: base, model: 'micon', encoder: 'features', backend: 'wasm', batchCompounds: 8, steps: 30 }).done;
  const db = openIntact(base);
  try {
    await embedAll(db);
  } finally {
    db.close();
  }
  clean = printSets(base);
}, 240_000);

interface SetPrint {
  id: number;
  kind: string;
  dim: number;
  vectors: number;
  vectorHash: string;
  profiles: number;
  profileHash: string;
  sphering: string | null;
}

const sha = (rows: unknown[][]) => {
  const h = crypto.createHash('sha256');
  for (const r of rows) for (const v of r) h.update(Buffer.isBuffer(v) ? v : String(v)).update('\u0001');
  return h.digest('hex');
};

/** Every feature set by name: its site vectors, well profiles and sphering, hashed (site and well ids are the same in every copy). */
function printSets(file: string): Record<string, SetPrint> {
  const db = openIntact(file);
  try {
    const out: Record<string, SetPrint> = {};
    for (const f of db.prepare('SELECT id, name, kind, dim FROM feature_sets ORDER BY name').all() as { id: number; name: string; kind: string; dim: number }[]) {
      const vecs = db.prepare('SELECT site_id, vec FROM site_features WHERE feature_set_id = ? ORDER BY site_id').raw().all(f.id) as unknown[][];
      const profs = db.prepare('SELECT well_id, raw, normalized FROM well_profiles WHERE feature_set_id = ? ORDER BY well_id').raw().all(f.id) as unknown[][];
      const sph = db.prepare('SELECT mean, matrix, fitted_on FROM sphering WHERE feature_set_id = ?').raw().all(f.id) as unknown[][];
      out[f.name] = { id: f.id, kind: f.kind, dim: f.dim, vectors: vecs.length, vectorHash: sha(vecs), profiles: profs.length, profileHash: sha(profs), sphering: sph.length ? sha(sph) : null };
    }
    return out;
  } finally {
    db.close();
  }
}

const withoutIds = (p: Record<string, SetPrint>) => Object.fromEntries(Object.entries(p).map(([n, { id: _id, ...rest }]) => [n, rest]));

/**
 * What a killed embed may leave: only sets the clean run has; each with all its site vectors (the
 * clean ones); profiles for every well with the sphering, or none. And nothing reads a set without
 * profiles: evaluation, the explorer's list, search (named or by default) and export skip or refuse it.
 */
async function expectNoHalfSet(file: string): Promise<{ withProfiles: string[]; without: string[] }> {
  const now = printSets(file);
  const names = Object.keys(now);
  expect(names.every((n) => n in clean)).toBe(true);
  for (const [name, s] of Object.entries(now)) {
    const c = clean[name];
    expect([name, s.kind, s.dim, s.vectors, s.vectorHash]).toEqual([name, c.kind, c.dim, c.vectors, c.vectorHash]);
    if (s.profiles) expect([name, s.profiles, s.profileHash, s.sphering]).toEqual([name, c.profiles, c.profileHash, c.sphering]);
    else expect([name, s.sphering]).toEqual([name, null]);
  }
  const withProfiles = names.filter((n) => now[n].profiles);
  const without = names.filter((n) => !now[n].profiles);

  const db = openIntact(file);
  try {
    expect(Object.keys(evaluateAll(db, { permutations: 0 }).featureSets).sort()).toEqual(withProfiles);
    expect(featureSetChoices(db, new Set()).map((c) => c.name).sort()).toEqual(withProfiles);
    const well = db.prepare("SELECT p.name || ':' || w.well AS w FROM wells w JOIN plates p ON p.id = w.plate_id WHERE w.pert_type = 'trt' ORDER BY w.id LIMIT 1").pluck().get() as string;
    for (const name of without) {
      await expect(runQuery(db, { kind: 'well', well }, { features: name })).rejects.toThrow(/has no profiles yet/);
      await expect(exportProfiles(db, path.join(dir, 'never.csv'), { features: name })).rejects.toBeInstanceOf(InputError);
    }
    if (withProfiles.length) {
      expect(withProfiles).toContain((await runQuery(db, { kind: 'well', well }, { k: 3 })).query.featureSet);
      expect(withProfiles).toContain(defaultExportFeatureSet(db)!.name);
    } else {
      await expect(runQuery(db, { kind: 'well', well })).rejects.toThrow(/no well profiles yet/);
    }
  } finally {
    db.close();
  }
  return { withProfiles, without };
}

describe('kill -9 during embed', () => {
  it('the clean run: hand-crafted, micon and micon+handcrafted and the fair baselines, every site and well', () => {
    expect(Object.keys(clean)).toEqual(['cellcount', 'handcrafted', 'handcrafted_z', 'micon', 'micon+handcrafted', 'micon_untrained']);
    for (const s of Object.values(clean)) expect([s.vectors, s.profiles, s.sphering !== null]).toEqual([192, 96, true]);
  });

  it('while computing hand-crafted features: nothing was written; the project is as it was', async () => {
    const db = copyProject(base, 'kill-handcrafted');
    // Ingest stored every site's vector; as after a feature-version bump, embed must compute them again
    // from the original images (the slow part of this stage) before it rewrites the set in one transaction.
    const w = openProject(db);
    w.prepare("UPDATE site_handcrafted SET version = 'handcrafted-old'").run();
    w.close();
    const { at } = await killJobOn('embed', { db }, (p) => p.stage === 'handcrafted' && p.done >= 40);
    expect(at.done).toBeLessThan(at.total);
    expect(printSets(db)).toEqual(clean);
    expect(await expectNoHalfSet(db)).toEqual({ withProfiles: Object.keys(clean), without: [] });
    // Vectors computed before the kill are kept (each is whole; nothing reads a stale one).
    const r = openProject(db, { readonly: true });
    const fresh = (r.prepare('SELECT COUNT(*) n FROM site_handcrafted WHERE version = ?').get(HANDCRAFTED_VERSION) as { n: number }).n;
    r.close();
    expect(fresh).toBeLessThan(192);
  });

  it('while the model embeds: no half set, and `micon embed` again gives the clean sets', async () => {
    const db = copyProject(base, 'kill-models');
    await killJobOn('embed', { db }, (p) => p.stage === 'models');
    // The hand-crafted set was rewritten (one transaction) and has no profiles until the profiles stage.
    const { without } = await expectNoHalfSet(db);
    expect(without).toContain('handcrafted');

    const r = JSON.parse(await runCli('embed', '--db', db, '--json')) as { featureSets: { featureSet: string }[] };
    expect(r.featureSets.map((f) => f.featureSet)).toEqual(Object.keys(clean));
    expect(withoutIds(printSets(db))).toEqual(withoutIds(clean));
  }, 60_000);

  it('while building profiles: no half set, and embedding again gives the clean sets', async () => {
    const db = copyProject(base, 'kill-profiles');
    const { at } = await killJobOn('embed', { db }, (p) => p.stage === 'profiles' && p.done === 1);
    expect(at.total).toBe(Object.keys(clean).length);
    const { withProfiles } = await expectNoHalfSet(db);
    // Profiles are built in name order: the first set ('cellcount') is done.
    expect(withProfiles).toContain(Object.keys(clean)[0]);

    const h = openIntact(db);
    try {
      await embedAll(h);
    } finally {
      h.close();
    }
    expect(withoutIds(printSets(db))).toEqual(withoutIds(clean));
  }, 60_000);
});
