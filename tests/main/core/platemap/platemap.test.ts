import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entriesForPlate, readPlatemap } from '../../../../main/core/platemap/platemap.js';
import { readPlateMeta } from '../../../../main/core/platemap/plate-meta.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-platemap-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};

describe('readPlatemap', () => {
  it('reads JUMP Metadata_* columns with plates, controls and MoA', () => {
    const f = write(
      'jump.csv',
      'Metadata_Plate,Metadata_Well,Metadata_JCP2022,Metadata_SMILES,Metadata_Concentration,Metadata_pert_type,Metadata_MoA\n' +
        'P1,A01,JCP2022_033924,CS(C)=O,0,negcon,\n' +
        'P1,a2,JCP2022_000001,CC(=O)Oc1ccccc1C(=O)O,10,trt,COX inhibitor\n' +
        'P2,A1,JCP2022_000001,CC(=O)Oc1ccccc1C(=O)O,1,trt,COX inhibitor\n',
    );
    const m = readPlatemap(f);
    expect(m.problems).toEqual([]);
    expect(entriesForPlate(m, 'P1').map((e) => [e.well, e.pertType, e.compoundId, e.concentration])).toEqual([
      ['A01', 'negcon', 'JCP2022_033924', 0],
      ['A02', 'trt', 'JCP2022_000001', 10],
    ]);
    expect(entriesForPlate(m, 'P2')[0].moa).toBe('COX inhibitor');
  });

  it('reads a plain tab-separated platemap without plate column; DMSO recognised by SMILES', () => {
    const f = write('plain.txt', 'well_position\tcompound_name\tsmiles\tconcentration_uM\n' + 'b03\tDMSO\tCS(C)=O\t\n' + 'B4\tnocodazole\tCOC(=O)Nc1nc2cc(C(=O)c3cccs3)ccc2[nH]1\t1\n');
    const m = readPlatemap(f);
    const e = entriesForPlate(m, 'ANY');
    expect(e.map((x) => [x.well, x.pertType, x.compoundId])).toEqual([
      ['B03', 'negcon', 'DMSO'],
      ['B04', 'trt', 'nocodazole'],
    ]);
  });

  it('names the line of bad rows and skips them', () => {
    const f = write('bad.csv', 'well,compound_id,control_type\nZZ99x,C1,\nA01,C1,weird\nA02,C2,\nA02,C3,\n');
    const m = readPlatemap(f);
    expect(m.entries.map((e) => e.well)).toEqual(['A02']);
    const msgs = m.problems.map((p) => p.message);
    expect(msgs[0]).toMatch(/line 2: "ZZ99x" is not a well name/);
    expect(msgs[1]).toMatch(/line 3: unknown control type "weird"/);
    expect(msgs[2]).toMatch(/line 5: well A02 already given on line 4/);
    expect(m.problems.every((p) => p.file === f)).toBe(true);
  });

  it('refuses a file with no well column, naming the columns it found', () => {
    const f = write('nowell.csv', 'plate,compound\nP1,X\n');
    expect(() => readPlatemap(f)).toThrow(/no well column .*found plate, compound/);
  });
});

describe('readPlateMeta', () => {
  it('reads JUMP plate.csv style metadata', () => {
    const f = write('plates.csv', 'Metadata_Source,Metadata_Batch,Metadata_Plate,Metadata_Replicate\nsource_1,B1,P1,1\nsource_2,B7,P2,rep2\n');
    const { plates, problems } = readPlateMeta(f);
    expect(problems).toEqual([]);
    expect(plates.get('P1')).toEqual({ source: 'source_1', batch: 'B1', replicate: 1 });
    expect(plates.get('P2')).toEqual({ source: 'source_2', batch: 'B7', replicate: 2 });
  });
});

describe('SMILES with doubled backslashes (CellProfiler-written LoadData, BBBC022)', () => {
  it('reads them as single backslashes, with one note for the file', async () => {
    // Calyculin A as BBBC022's LoadData CSV writes it (every "\" doubled); images_metadata.csv holds it de-doubled.
    const { REALDATA } = await import('../../../helpers/realdata.js');
    const meta = fs.readFileSync(path.join(REALDATA, 'images-bbbc022-ixm-hoechst', 'images_metadata.csv'), 'utf8').split('\n');
    const real = meta.find((l) => l.includes(',E05,'))!.split(',').at(-1)!.trim();
    expect(real).toContain('\\C');
    const doubled = real.replace(/\\/g, '\\\\');
    const f = write('bbbc022.csv', `Metadata_Plate,Metadata_Well,Metadata_broad_sample,Metadata_SMILES\n20585,E05,BRD-A47513740,"${doubled}"\n20585,E07,BRD-X,"C/C(\\\\C)=C/C"\n`);
    const m = readPlatemap(f);
    expect(m.entries.map((e) => e.smiles)).toEqual([real, 'C/C(\\C)=C/C']);
    expect(m.problems).toHaveLength(1);
    expect(m.problems[0]).toMatchObject({ file: f, row: 2, severity: 'warning' });
    expect(m.problems[0].message).toMatch(/doubled backslashes/);
  });
});
