// Item 10 of issue 17: a SMILES typed into search (or a platemap cell) is bounded: a huge one is
// refused by length without being echoed back, and a valid but large molecule is called too large,
// not unparsable.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { parseRequest } from '../../../../main/core/api/contract.js';
import { openProject } from '../../../../main/core/db/open.js';
import { resolveCompounds } from '../../../../main/core/ingest/compounds.js';
import { runQuery } from '../../../../main/core/search/query.js';
import type { Problem } from '../../../../main/core/types.js';
import { refused } from '../../../helpers/refused.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-smiles-limits-');
const HUGE = 'C'.repeat(900_000);
const POLYMER = 'C'.repeat(400); // valid: a 400-carbon chain, over the 300-atom bound

describe('SMILES size limits', () => {
  it('search: a 900 KB SMILES is refused by its length, echoing at most a short prefix', async () => {
    const db = openProject(path.join(dir, 'p.micon'));
    const msg = await refused(runQuery(db, { kind: 'smiles', smiles: HUGE }), /900000 characters/, /at most \d+/);
    expect(msg.length).toBeLessThan(300);
    db.close();
  });

  it('search: a valid molecule over the atom bound is "too large", not "cannot parse"', async () => {
    const db = openProject(path.join(dir, 'q.micon'));
    const msg = await refused(runQuery(db, { kind: 'smiles', smiles: POLYMER }), /too large/);
    expect(msg).not.toMatch(/cannot parse/);
    expect(msg.length).toBeLessThan(300);
    db.close();
  });

  it('the API contract caps the SMILES of search.query and chem.check, without echoing it', () => {
    for (const [name, req] of [
      ['search.query', { query: { kind: 'smiles', smiles: HUGE } }],
      ['chem.check', { smiles: HUGE }],
    ] as const) {
      let err: unknown;
      try {
        parseRequest(name, req);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ZodError);
      expect(JSON.stringify((err as ZodError).issues).length).toBeLessThan(1000);
    }
  });

  it('ingest: the platemap warning says "too large" for a large molecule and never repeats a huge cell', async () => {
    const problems: Problem[] = [];
    const entry = (line: number, id: string, smiles: string) => ({ line, plate: null, well: 'A01', compoundId: id, name: null, smiles, concentration: null, pertType: 'trt' as const, moa: null, target: null });
    await resolveCompounds([entry(2, 'POLY', POLYMER), entry(3, 'JUNK', `X${HUGE}`)], problems, 'platemap.csv');
    expect(problems).toHaveLength(2);
    expect(problems[0].message).toMatch(/POLY.*too large/);
    expect(problems[1].message).toMatch(/JUNK/);
    for (const p of problems) expect(p.message.length).toBeLessThan(400);
  });
});
