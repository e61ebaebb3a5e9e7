import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, loadLatestCheckpoint, saveCheckpoint } from '../../../../main/core/ml/checkpoint.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';

const dir = tmpDir('micon-ckpt-');
const ck = (step: number) => ({
  step,
  meta: { model: 'micon', rng: 12345 },
  tensors: { 'conv0/kernel': { shape: [3, 3, 1, 2], data: Float32Array.from({ length: 18 }, (_, i) => i * 0.5 + step) }, 'adam/m0': { shape: [2], data: Float32Array.from([1e-8, -3]) } },
});

describe('checkpoints', () => {
  it('round-trips tensors and metadata exactly', () => {
    const back = decodeCheckpoint(encodeCheckpoint(ck(7)));
    expect(back.step).toBe(7);
    expect(back.meta).toEqual({ model: 'micon', rng: 12345 });
    expect(Array.from(back.tensors['conv0/kernel'].data)).toEqual(Array.from(ck(7).tensors['conv0/kernel'].data));
    expect(back.tensors['adam/m0'].shape).toEqual([2]);
  });

  it('stores integer tensors by value (Adam\'s int32 step count must survive a resume)', () => {
    const back = decodeCheckpoint(encodeCheckpoint({ step: 400, meta: {}, tensors: { 'opt:iter': { shape: [], data: Int32Array.of(400) as unknown as Float32Array } } }));
    expect(Array.from(back.tensors['opt:iter'].data)).toEqual([400]);
  });

  it('saves atomically, keeps the newest two, and loads the latest', () => {
    const d = path.join(dir, 'run');
    for (const s of [10, 20, 30]) saveCheckpoint(d, ck(s));
    expect(fs.readdirSync(d).sort()).toEqual(['latest.json', 'step-00000020.ckpt', 'step-00000030.ckpt']);
    expect(loadLatestCheckpoint(d)!.step).toBe(30);
    expect(loadLatestCheckpoint(path.join(dir, 'none'))).toBeNull();
  });

  it('a fresh run over an abandoned one keeps its own checkpoint, never the stale later ones or torn temporaries', () => {
    const d = path.join(dir, 'rerun');
    for (const s of [100, 200]) saveCheckpoint(d, ck(s));
    saveCheckpoint(d, ck(50));
    expect(fs.readdirSync(d).sort()).toEqual(['latest.json', 'step-00000050.ckpt']);
    expect(loadLatestCheckpoint(d)!.step).toBe(50);
    // What writeFileAtomic leaves when its process (pid 999999999, long gone) is killed before the rename.
    fs.writeFileSync(path.join(d, '.step-00000070.ckpt.999999999.0badf00d.tmp'), 'torn by kill -9');
    saveCheckpoint(d, ck(60));
    expect(fs.readdirSync(d).sort()).toEqual(['latest.json', 'step-00000050.ckpt', 'step-00000060.ckpt']);
  });

  it('says so when a checkpoint file is truncated', () => {
    const buf = encodeCheckpoint(ck(1));
    expect(() => decodeCheckpoint(buf.subarray(0, buf.length - 8), 'x.ckpt')).toThrow(/x\.ckpt: truncated/);
    expect(() => decodeCheckpoint(Buffer.from('nope'), 'y.ckpt')).toThrow(/y\.ckpt: not a MICON checkpoint/);
  });
});
