// Checkpoints: named float32 tensors (model parameters and optimizer slots) plus JSON metadata, in
// one file written to a temporary name, fsynced and renamed — so a crash leaves either the previous
// checkpoint or the new one, never a torn file. `latest.json` is replaced the same way.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';

export interface TensorData {
  shape: number[];
  data: Float32Array;
}

export interface Checkpoint<M = Record<string, unknown>> {
  step: number;
  meta: M;
  tensors: Record<string, TensorData>;
}

const MAGIC = 'MICONCK1';

/** Serialise: magic, header length, JSON header {step, meta, index}, then the float32 payloads. */
export function encodeCheckpoint(ck: Checkpoint): Buffer {
  const index: { name: string; shape: number[]; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(ck.tensors)) {
    index.push({ name, shape: t.shape, offset, length: t.data.length });
    offset += t.data.length;
  }
  const header = Buffer.from(JSON.stringify({ step: ck.step, meta: ck.meta, index }), 'utf8');
  const pad = (8 - ((MAGIC.length + 4 + header.length) % 8)) % 8;
  const out = Buffer.alloc(MAGIC.length + 4 + header.length + pad + offset * 4);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(header.length + pad, MAGIC.length);
  header.copy(out, MAGIC.length + 4);
  out.fill(0x20, MAGIC.length + 4 + header.length, MAGIC.length + 4 + header.length + pad);
  const base = MAGIC.length + 4 + header.length + pad;
  for (const [i, t] of Object.values(ck.tensors).entries()) {
    // By value, not by bytes: tfjs hands int32 tensors (Adam's step count) back as an Int32Array,
    // whose bit patterns read as float32 would be denormals (step 400 → 5.6e-43).
    const f32 = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
    Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).copy(out, base + index[i].offset * 4);
  }
  return out;
}

export function decodeCheckpoint<M>(buf: Buffer, file = 'checkpoint'): Checkpoint<M> {
  if (buf.toString('ascii', 0, MAGIC.length) !== MAGIC) throw new Error(`${file}: not a MICON checkpoint`);
  const hlen = buf.readUInt32LE(MAGIC.length);
  const header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + hlen)) as {
    step: number;
    meta: M;
    index: { name: string; shape: number[]; offset: number; length: number }[];
  };
  const base = MAGIC.length + 4 + hlen;
  const tensors: Record<string, TensorData> = {};
  for (const e of header.index) {
    const start = base + e.offset * 4;
    if (start + e.length * 4 > buf.length) throw new Error(`${file}: truncated (tensor ${e.name})`);
    tensors[e.name] = { shape: e.shape, data: new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + e.length * 4)) };
  }
  return { step: header.step, meta: header.meta, tensors };
}

/**
 * Write step N's checkpoint and point latest.json at it; keeps the newest `keep` files up to step N.
 * Files of later steps belong to an earlier run that this one replaced (trained afresh without
 * --resume): latest.json no longer leads to them, so they go too — and can never push out the file
 * just written.
 */
export function saveCheckpoint(dir: string, ck: Checkpoint, keep = 2): string {
  fs.mkdirSync(dir, { recursive: true });
  const name = `step-${String(ck.step).padStart(8, '0')}.ckpt`;
  const file = path.join(dir, name);
  writeFileAtomic(file, encodeCheckpoint(ck));
  writeFileAtomic(path.join(dir, 'latest.json'), JSON.stringify({ step: ck.step, file: name }) + '\n');
  const files = fs.readdirSync(dir);
  const all = files.filter((f) => /^step-\d+\.ckpt$/.test(f)).sort();
  const kept = all.filter((f) => f <= name).slice(-keep);
  for (const f of all) if (!kept.includes(f)) fs.rmSync(path.join(dir, f), { force: true });
  // A killed writer's half-written temporaries are removed by writeFileAtomic itself.
  return file;
}

/** The checkpoint latest.json names, or null when there is none yet. */
export function loadLatestCheckpoint<M>(dir: string): (Checkpoint<M> & { file: string }) | null {
  const latest = path.join(dir, 'latest.json');
  if (!fs.existsSync(latest)) return null;
  const { file } = JSON.parse(fs.readFileSync(latest, 'utf8')) as { file: string };
  const full = path.join(dir, file);
  return { ...decodeCheckpoint<M>(fs.readFileSync(full), full), file: full };
}

/**
 * A model's checkpoint folder, `<project>.d/checkpoints/<name>`. Characters a file name may not hold
 * on some systems (the `:` of `micon@backbone:resnet18`) become `_`; the usual names are unchanged.
 */
export function checkpointDirFor(projectPath: string, name: string): string {
  return path.join(`${projectPath}.d`, 'checkpoints', name.replace(/[^A-Za-z0-9_.+@-]/g, '_'));
}

/** Every run that has left checkpoints under `<project>.d/checkpoints`, newest step per run (reads only latest.json). */
export function listCheckpointRuns(projectPath: string): { name: string; step: number; file: string }[] {
  const root = path.join(`${projectPath}.d`, 'checkpoints');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((name) => {
    try {
      const latest = JSON.parse(fs.readFileSync(path.join(root, name, 'latest.json'), 'utf8')) as { step: number; file: string };
      return typeof latest.step === 'number' ? [{ name, step: latest.step, file: path.join(root, name, latest.file) }] : [];
    } catch {
      return [];
    }
  });
}
