import { beforeEach, describe, expect, it } from 'vitest';
import { cachedDepiction, depiction } from '../../../renderer/src/components/depictions.js';

const calls: { smiles: string[]; width?: number; highlight?: string }[] = [];
let fail = false;
(globalThis as { window?: unknown }).window = {
  micon: {
    invoke: async (name: string, req: { smiles: string[]; width?: number; highlight?: string }) => {
      expect(name).toBe('compounds.depict');
      calls.push(req);
      if (fail) throw new Error('server down');
      return { svgs: req.smiles.map((s) => (s === 'bad' ? null : `<svg>${s}</svg>`)) };
    },
    on: () => () => undefined,
  },
};

beforeEach(() => {
  calls.length = 0;
  fail = false;
});

describe('depictions', () => {
  it('batches the requests of one frame per size, as data: URLs, null for an invalid SMILES', async () => {
    const size = { width: 120, height: 90 };
    const [a, b, bad, big] = await Promise.all([
      depiction({ smiles: 'CCO', ...size }),
      depiction({ smiles: 'CCN', ...size }),
      depiction({ smiles: 'bad', ...size }),
      depiction({ smiles: 'CCO', width: 300, height: 220 }),
    ]);
    expect(calls.map((c) => [c.width, c.smiles])).toEqual([
      [120, ['CCO', 'CCN', 'bad']],
      [300, ['CCO']],
    ]);
    expect(a).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent('<svg>CCO</svg>')}`);
    expect(b).not.toBe(a);
    expect(bad).toBeNull();
    expect(big).toBe(a);
    // Cached: no second request, and known synchronously for the first render.
    expect(await depiction({ smiles: 'CCO', ...size })).toBe(a);
    expect(cachedDepiction({ smiles: 'CCO', ...size })).toBe(a);
    expect(cachedDepiction({ smiles: 'CCO', ...size, highlight: 'O' })).toBeUndefined();
    expect(calls).toHaveLength(2);
  });

  it('asks again after a failed request instead of caching the failure', async () => {
    fail = true;
    await expect(depiction({ smiles: 'CCCl', width: 120, height: 90 })).rejects.toThrow('server down');
    fail = false;
    expect(await depiction({ smiles: 'CCCl', width: 120, height: 90 })).toContain('CCCl');
    expect(calls).toHaveLength(2);
  });
});
