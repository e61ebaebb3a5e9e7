// Property tests: whatever a user types or a platemap holds, the chemistry layer answers with a
// structure, null, or a clear message — never a TypeError, an RDKit abort or a leak of WASM memory.
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { DB } from '../../../../main/core/db/open.js';
import { InputError } from '../../../../main/core/types.js';

// The WASM heap, captured as RDKit instantiates, to check that every mol is deleted.
let heap: WebAssembly.Memory | undefined;
function capture(result: unknown): void {
  const r = result as { instance?: WebAssembly.Instance } & Partial<WebAssembly.Instance>;
  const exports = r.instance?.exports ?? r.exports ?? {};
  for (const v of Object.values(exports)) if (v instanceof WebAssembly.Memory) heap = v;
}
const wasm = WebAssembly as unknown as Record<'instantiate' | 'instantiateStreaming', (...a: unknown[]) => Promise<unknown>>;
for (const k of ['instantiate', 'instantiateStreaming'] as const) {
  const orig = wasm[k];
  wasm[k] = async (...a: unknown[]) => {
    const r = await orig.apply(WebAssembly, a);
    capture(r);
    return r;
  };
}
const { canonicalSmiles, getRDKit, MAX_ATOMS, atomCountBound } = await import('../../../../main/core/chem/rdkit.js');
const { checkSmiles } = await import('../../../../main/core/chem/check.js');
const { withQuery } = await import('../../../../main/core/chem/query.js');
const { morganFingerprint } = await import('../../../../main/core/chem/fingerprint.js');
const { depictMany } = await import('../../../../main/core/chem/depict.js');
const { StructureLibrary } = await import('../../../../main/core/chem/substructure.js');
const { runQuery } = await import('../../../../main/core/search/query.js');

const VALID = ['CCO', 'c1ccccc1', 'CC(=O)Oc1ccccc1C(=O)O', 'CS(C)=O', 'C[C@H](N)C(=O)O', 'O=C1NC(=O)c2ccccc21', 'Clc1ccc(Br)cc1', '[NH4+].[Cl-]', 'C1CC2CCC1C2', 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C'];
const TOKENS = [
  'C', 'c', 'N', 'n', 'O', 'o', 'S', 's', 'P', 'F', 'Cl', 'Br', 'I', 'B', 'H', '*', '(', ')', '[', ']', '=', '#', '$', ':', '/', '\\', '.', '-', '+', '++', '@', '@@',
  '1', '2', '9', '0', '%', '%10', '%99', '%(123)', '%(99999)', '%(999999999999)', '[nH]', '[C@@H]', '[13C]', '[C+99999999999]', '[CH99999999]', '[C:5]', '[2H]',
  '$(', '&', ';', ',', '!', '~', '#6', 'R2', '|', ' |c:1|', ' ', '\u0000', 'é', '😀', '\ud800', '>>', '>', '{', '}', '\n',
];
/** Strings a user might type: random text, SMILES-ish token soup, valid SMILES with a few edits. */
const smilesish = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => t.join('')),
  fc
    .tuple(fc.constantFrom(...VALID), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...TOKENS)), { minLength: 1, maxLength: 4 }))
    .map(([s, edits]) => edits.reduce((acc, [at, del, tok]) => acc.slice(0, at % (acc.length + 1)) + tok + acc.slice((at % (acc.length + 1)) + (del % 3)), s)),
);

/** Runs `f`; passes when it resolves, or rejects with an InputError (anything else fails the property). */
async function onlyInputError(f: () => Promise<unknown>): Promise<InputError | null> {
  try {
    await f();
    return null;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
}

// Shapes that used to overflow RDKit's WASM stack ("memory access out of bounds", after which every
// later call failed the same way) or throw a bare WebAssembly.Exception.
const chain = (n: number) => 'C'.repeat(n);
const HUGE = [chain(20000), chain(1000), chain(600), `C${'(C'.repeat(5000)}${')'.repeat(5000)}`, 'c1ccccc1'.repeat(200), 'NCC(=O)'.repeat(300), `C1${chain(600)}C1`];

describe('SMILES input (fuzz)', () => {
  // RDKit prints every parse error to stderr: thousands of lines here.
  beforeAll(() => void vi.spyOn(console, 'error').mockImplementation(() => {}));

  it('checkSmiles never throws and says why an input is invalid', async () => {
    await fc.assert(
      fc.asyncProperty(smilesish, async (s) => {
        const r = await checkSmiles(s, { width: 80, height: 60 });
        if (r.valid) {
          expect(r.canonical).toBeTruthy();
          expect(r.svg).toMatch(/<svg/);
          expect(r.error).toBeNull();
        } else {
          expect(r.canonical).toBeNull();
          expect(r.error).toMatch(/\S/);
        }
      }),
      { seed: 0x5e1f, numRuns: 250 },
    );
  });

  it('canonicalSmiles never throws; a canonical SMILES is its own canonical form and has a fingerprint', async () => {
    await fc.assert(
      fc.asyncProperty(smilesish, async (s) => {
        const c = await canonicalSmiles(s);
        const fp = await morganFingerprint(s, { nBits: 256 });
        expect(fp === null).toBe(c === null);
        if (c === null) return;
        expect(await canonicalSmiles(c)).toBe(c);
        expect(fp!.length).toBe(256);
        expect(fp!.every((b) => b === 0 || b === 1)).toBe(true);
      }),
      { seed: 0xc0ffee, numRuns: 400 },
    );
  });

  it('substructure queries and highlights give a result or an InputError naming the query', async () => {
    const lib = await StructureLibrary.build(VALID.map((smiles, key) => ({ key, smiles })));
    try {
      await fc.assert(
        fc.asyncProperty(smilesish, async (s) => {
          const err = await onlyInputError(() => lib.search(s));
          if (err && s.trim()) expect(err.message).toContain(s.trim().slice(0, 20));
          const svgErr = await onlyInputError(async () => {
            const svgs = await depictMany(['CCO', s], { width: 60, height: 60, highlight: s });
            expect(svgs[0]).toMatch(/<svg/);
          });
          expect(svgErr === null).toBe(err === null || !s.trim());
        }),
        { seed: 0x5a4a75, numRuns: 300 },
      );
    } finally {
      lib.dispose();
    }
  });

  it('a SMILES search query is validated before the project is touched: InputError, or valid and on to the index', async () => {
    const touched = new Error('validation passed: the query went on to the project');
    const db = new Proxy({}, { get: () => { throw touched; } }) as DB;
    await fc.assert(
      fc.asyncProperty(smilesish, async (s) => {
        try {
          await runQuery(db, { kind: 'smiles', smiles: s });
        } catch (e) {
          if (e === touched) {
            expect(await canonicalSmiles(s)).not.toBeNull();
          } else {
            expect(e).toBeInstanceOf(InputError);
            expect((e as Error).message).toMatch(/invalid SMILES/);
          }
          return;
        }
        throw new Error('runQuery resolved on a project that does not exist');
      }),
      { seed: 0x9e41, numRuns: 200 },
    );
  });

  it('huge or deeply nested structures are refused with a message, and RDKit keeps working afterwards', async () => {
    for (const s of HUGE) {
      expect(atomCountBound(s)).toBeGreaterThan(MAX_ATOMS);
      expect(await canonicalSmiles(s)).toBeNull();
      expect(await morganFingerprint(s)).toBeNull();
      expect((await checkSmiles(s)).error).toMatch(/too large: up to \d+ atoms, at most 300/);
      const err = await onlyInputError(() => withQuery(s, () => 1));
      expect(err?.message).toMatch(/too large/);
      const lib = await StructureLibrary.build([{ key: 1, smiles: s }, { key: 2, smiles: 'CCO' }]);
      expect([...(await lib.search('CO')).keys]).toEqual([2]);
      lib.dispose();
    }
    // The largest structures allowed still go through every step.
    for (const s of [chain(MAX_ATOMS), `C1${chain(MAX_ATOMS - 2)}C1`, 'c1ccccc1'.repeat(MAX_ATOMS / 6), `C${'(C'.repeat(MAX_ATOMS / 2 - 1)}${')'.repeat(MAX_ATOMS / 2 - 1)}`]) {
      expect(await canonicalSmiles(s)).not.toBeNull();
      expect(await morganFingerprint(s)).not.toBeNull();
      expect((await checkSmiles(s, { width: 80, height: 60 })).valid).toBe(true);
      expect(await withQuery(s, (_q, p) => p.as)).toBe('smiles');
    }
    expect(await canonicalSmiles('OC(=O)c1ccccc1OC(C)=O')).toBe('CC(=O)Oc1ccccc1C(=O)O');
  });

  it('a CX extension RDKit cannot read as SMARTS is an InputError, not a bare WebAssembly.Exception', async () => {
    for (const s of ['C |', 'C |x', 'CC |$;']) {
      const err = await onlyInputError(() => withQuery(s, () => 1));
      expect(err?.message).toContain(`invalid SMARTS/SMILES "${s}"`);
    }
  });

  it('does not grow the WASM heap over 1,000 inputs (every mol is deleted)', async () => {
    await getRDKit();
    expect(heap).toBeDefined();
    const inputs = [...VALID, ...fc.sample(smilesish, { seed: 42, numRuns: 1000 })];
    const pass = async () => {
      for (const s of inputs) {
        await canonicalSmiles(s);
        await onlyInputError(() => withQuery(s, () => 1));
      }
    };
    await pass();
    const before = heap!.buffer.byteLength;
    for (let i = 0; i < 3; i++) await pass();
    expect(heap!.buffer.byteLength).toBe(before);
  });
});
