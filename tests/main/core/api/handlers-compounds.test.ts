import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPICT_MAX, parseRequest, type Handlers } from '../../../../main/core/api/contract.js';
import { createHandlers } from '../../../../main/core/api/handlers.js';
import { openProject, type DB } from '../../../../main/core/db/open.js';
import { fixtureWriter } from '../../../helpers/search-fixtures.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

let db: DB;
let h: Handlers;

beforeAll(() => {
  const file = path.join(tmpDir(), 'p.micon');
  db = openProject(file);
  const f = fixtureWriter(db);
  const p = f.plate('P1', 'src', 'b1', 1);
  f.well(p, 'A1', f.compound('CPD-1', { name: 'aspirin', smiles: 'CC(=O)Oc1ccccc1C(=O)O' }), { concentration: 1 });
  h = createHandlers({ db, projectPath: file, transport: 'browser', transportNote: null });
});
afterAll(() => db?.close());

/** What a transport does: validate with the contract's schema, then call the handler. */
const call = <K extends keyof Handlers>(name: K, payload: unknown) => (h[name] as (r: unknown) => unknown)(parseRequest(name, payload));

describe('compound requests', () => {
  it('validate their payloads', () => {
    expect(() => parseRequest('compounds.list', { text: 3 })).toThrow(/text/);
    expect(() => parseRequest('compounds.list', { bogus: true })).toThrow();
    expect(() => parseRequest('compounds.depict', { smiles: [] })).toThrow(/smiles/);
    expect(() => parseRequest('compounds.depict', { smiles: Array(DEPICT_MAX + 1).fill('C') })).toThrow(/smiles/);
    expect(() => parseRequest('compounds.depict', { smiles: ['C'], width: 5 })).toThrow(/width/);
    expect(() => parseRequest('compounds.wells', { compound: '' })).toThrow(/compound/);
    expect(() => parseRequest('chem.check', {})).toThrow(/smiles/);
  });

  it('list compounds with the query echoed, and name an invalid substructure', async () => {
    const r = (await call('compounds.list', { substructure: ' c1ccccc1 ' })) as Awaited<ReturnType<Handlers['compounds.list']>>;
    expect(r.compounds.map((c) => c.compoundId)).toEqual(['CPD-1']);
    expect(r.query).toEqual({ text: null, substructure: 'c1ccccc1', substructureAs: 'smiles', includeControls: false });
    await expect(Promise.resolve().then(() => call('compounds.list', { substructure: 'C(' }))).rejects.toThrow(/invalid SMARTS\/SMILES "C\("/);
  });

  it('depict in order, null for invalid SMILES', async () => {
    const r = (await call('compounds.depict', { smiles: ['CCO', 'C1CC((', 'CCO'], width: 100, height: 80 })) as { svgs: (string | null)[] };
    expect(r.svgs).toHaveLength(3);
    expect(r.svgs[0]).toContain("width='100px'");
    expect(r.svgs[1]).toBeNull();
    expect(r.svgs[2]).toBe(r.svgs[0]);
  });

  it('check a SMILES without throwing, and recognise a project compound', async () => {
    expect(await call('chem.check', { smiles: 'OC(=O)c1ccccc1OC(C)=O' })).toMatchObject({ valid: true, inProject: { compoundId: 'CPD-1', name: 'aspirin' } });
    expect(await call('chem.check', { smiles: 'C1CC' })).toMatchObject({ valid: false, inProject: null, error: expect.stringMatching(/unclosed ring/) });
  });

  it('list a compound’s wells', async () => {
    expect(await call('compounds.wells', { compound: 'CPD-1' })).toMatchObject([{ plate: 'P1', well: 'A1', source: 'src', batch: 'b1', replicate: 1 }]);
  });
});
