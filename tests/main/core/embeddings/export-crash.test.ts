// kill -9 during `micon export`: the real CLI process is SIGKILLed the moment its temporary output file
// appears in the folder (while it writes and fsyncs it, before the rename). Afterwards the target is
// absent or still the previous complete export, byte for byte; nothing else looks like output (the
// dead writer's temporary is a dot file ending in .tmp, removed by the next export into that folder);
// and exporting again succeeds and reads back in full.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { EXPORT_METADATA_COLUMNS } from '../../../../main/core/embeddings/export-profiles.js';
import { openTable } from '../../../../main/core/embeddings/profile-table.js';
import { featureSetByName, loadWellProfiles } from '../../../../main/core/feature-sets/store.js';
import { exited, runCli, spawnCli } from '../../../helpers/kill.js';
import { writeSyntheticScreen } from '../../../helpers/search-fixtures.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-export-crash-');
const DIM = 256;
// Sizes: large enough that writing and fsyncing the file takes far longer than the kill (Parquet ~8 MB,
// CSV ~4 MB: the kill lands before the first MBs are written), small enough to build in a few seconds.
const projects = { large: 8_000, medium: 1_500, small: 300 } as const;
const file = (name: keyof typeof projects) => path.join(dir, `${name}.micon`);

beforeAll(() => {
  for (const [name, wells] of Object.entries(projects)) {
    const db = openProject(file(name as keyof typeof projects));
    try {
      writeSyntheticScreen(db, { wells, dim: DIM, seed: wells });
    } finally {
      db.close();
    }
  }
});

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;
const temporaries = (folder: string) => fs.readdirSync(folder).filter((n) => TEMPORARY.test(n));

/** Run `micon export` into `folder/name` and SIGKILL it as soon as its temporary file is created. */
async function killExportMidWrite(project: string, folder: string, name: string): Promise<void> {
  const mine = (n: string | null) => !!n && n.startsWith(`.${name}.`) && TEMPORARY.test(n);
  let seen = false;
  let run: ReturnType<typeof spawnCli> | undefined;
  const watcher = fs.watch(folder, (_event, n) => {
    if (!seen && mine(n) && run) {
      seen = true;
      run.child.kill('SIGKILL');
    }
  });
  try {
    run = spawnCli('export', '--db', project, '--out', path.join(folder, name), '--json');
    const end = await exited(run.child);
    expect(seen, `the export never created its temporary file (exit ${JSON.stringify(end)}): ${run.stderr()}`).toBe(true);
    expect(end.signal).toBe('SIGKILL');
  } finally {
    watcher.close();
    if (run && run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  }
}

/** Read an export back: its rows, and that each row's features are the project's profile of that well. */
async function expectReadsBack(out: string, project: string, wells: number): Promise<void> {
  const t = await openTable(out);
  expect(t.columns.slice(0, EXPORT_METADATA_COLUMNS.length)).toEqual([...EXPORT_METADATA_COLUMNS]);
  expect(t.columns).toHaveLength(EXPORT_METADATA_COLUMNS.length + DIM);
  const db = openProject(project, { readonly: true });
  try {
    const p = loadWellProfiles(db, featureSetByName(db, 'micon')!.id);
    const rowOf = new Map(p.wellIds.map((id, i) => [id, i]));
    const wellId = db.prepare('SELECT w.id FROM wells w JOIN plates p ON p.id = w.plate_id WHERE p.name = ? AND w.well = ?').pluck();
    const plate = t.columns.indexOf('Metadata_Plate');
    const well = t.columns.indexOf('Metadata_Well');
    let n = 0;
    for await (const r of t.rows()) {
      // Every 97th row in full (all of them would only slow the test down).
      if (n++ % 97) continue;
      const i = rowOf.get(wellId.get(r.values[plate], r.values[well]) as number)!;
      const got = Float32Array.from(r.values.slice(EXPORT_METADATA_COLUMNS.length).map(Number));
      expect(got).toEqual(p.data.subarray(i * DIM, (i + 1) * DIM));
    }
    expect(n).toBe(wells);
  } finally {
    db.close();
  }
}

describe('kill -9 during micon export', () => {
  const cases: { format: string; name: string; project: keyof typeof projects; previous: keyof typeof projects | null }[] = [
    { format: 'Parquet', name: 'profiles.parquet', project: 'large', previous: null },
    { format: 'Parquet', name: 'profiles.parquet', project: 'large', previous: 'small' },
    { format: 'CSV', name: 'profiles.csv', project: 'medium', previous: 'small' },
  ];
  for (const c of cases) {
    it(`${c.format}, ${c.previous ? 'over a previous export' : 'no previous file'}: the target is ${c.previous ? 'the previous file' : 'absent'}, never torn; the next export cleans up and reads back`, async () => {
      const folder = fs.mkdtempSync(path.join(dir, 'out-'));
      const out = path.join(folder, c.name);
      let before: Buffer | null = null;
      if (c.previous) {
        await runCli('export', '--db', file(c.previous), '--out', out, '--json');
        before = fs.readFileSync(out);
        await expectReadsBack(out, file(c.previous), projects[c.previous]);
      }

      await killExportMidWrite(file(c.project), folder, c.name);
      // The killed writer's temporary is still there: the kill came before the rename.
      expect(temporaries(folder)).toHaveLength(1);
      expect(fs.readdirSync(folder).filter((n) => !TEMPORARY.test(n))).toEqual(c.previous ? [c.name] : []);
      if (before) expect(fs.readFileSync(out).equals(before)).toBe(true);

      const r = JSON.parse(await runCli('export', '--db', file(c.project), '--out', out, '--json')) as { wells: number; features: number };
      expect(r).toMatchObject({ wells: projects[c.project], features: DIM });
      expect(fs.readdirSync(folder)).toEqual([c.name]);
      await expectReadsBack(out, file(c.project), projects[c.project]);
    }, 60_000);
  }
});
