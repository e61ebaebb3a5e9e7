// What the compute-window relay adds per training step, for the first hop (job process ⇄ app over
// fork IPC, core/jobs/host.ts): a default CNN batch (TRAIN_DEFAULTS.cnn: 12 compounds → 24 treated +
// 24 control sites, 5 × 64 × 64 float32, plus fingerprints) sent as a TrainerRequest and echoed back,
// with 'advanced' serialization (typed arrays stay typed arrays; what the relay uses) and, for
// comparison, JSON with the arrays spelled out as number lists (what plain fork IPC would need). The
// second hop (app ⇄ window, Electron IPC structured clone) needs Electron and is not measured here.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_IMAGE_ENCODER } from '../../main/core/ml/encoder-spec.js';
import { TrainerRequest } from '../../main/core/ml/trainer-protocol.js';
import { TRAIN_DEFAULTS } from '../../main/core/ml/train-params.js';

function batchRequest(): TrainerRequest {
  const n = 2 * TRAIN_DEFAULTS.cnn.batchCompounds;
  const s = DEFAULT_IMAGE_ENCODER.inputSize;
  const img = () => ({ shape: [n, 5, s, s], data: Float32Array.from({ length: n * 5 * s * s }, (_, i) => (i % 997) / 997) });
  return {
    type: 'trainer-call',
    jobId: 'bench',
    id: 1,
    call: { method: 'step', batch: { treated: img(), controls: img(), fingerprints: { shape: [n, 2048], data: new Float32Array(n * 2048) }, labels: Array.from({ length: n }, (_, i) => i >> 1) } },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function roundTrips(serialization: 'advanced' | 'json', message: unknown, reps: number): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-bench-relay-'));
  const echo = path.join(dir, 'echo.mjs');
  fs.writeFileSync(echo, "process.on('message', (m) => process.send(m));\n");
  const child = fork(echo, [], { serialization, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const times: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const back = await new Promise<unknown>((resolve) => {
        child.once('message', resolve);
        child.send(message as never);
      });
      // The receiving side validates, as host.ts and the job process do.
      if (serialization === 'advanced') TrainerRequest.parse(back);
      times.push(performance.now() - t0);
    }
  } finally {
    child.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

export async function benchRelay(o: Record<string, string>): Promise<object> {
  const reps = Number(o.reps ?? 20);
  const req = batchRequest();
  const b = req.call.method === 'step' ? req.call.batch : null;
  const bytes = b ? (b.treated.data.byteLength + b.controls.data.byteLength + b.fingerprints.data.byteLength) : 0;
  process.stderr.write(`bench relay: ${reps} round trips of a ${(bytes / 2 ** 20).toFixed(1)} MiB CNN batch\n`);
  const advanced = await roundTrips('advanced', req, reps);
  const asLists = JSON.parse(JSON.stringify(req, (_k, v: unknown) => (v instanceof Float32Array ? Array.from(v) : v))) as unknown;
  const json = await roundTrips('json', asLists, Math.min(reps, 5));
  return {
    batch: { sites: b ? b.treated.shape[0] + b.controls.shape[0] : 0, imageShape: b?.treated.shape.slice(1), mib: +(bytes / 2 ** 20).toFixed(2) },
    advancedRoundTripMs: +median(advanced).toFixed(1),
    jsonNumberListsRoundTripMs: +median(json).toFixed(1),
    note: 'one hop (job process ⇄ app), there and back with the whole batch; a real step sends the batch one way and ~100 bytes of loss terms back',
  };
}
