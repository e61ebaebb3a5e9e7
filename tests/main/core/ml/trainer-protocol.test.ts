// The Trainer messages on their own: what the compute side answers to calls that are malformed,
// out of order or for a job it does not hold, and that a diverging loss crosses intact.
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/core/ml/backend.js';
import { RemoteTrainer } from '../../../../main/core/ml/remote-trainer.js';
import { relayTransport, StepValue, TrainerRefused, type TrainerRequest } from '../../../../main/core/ml/trainer-protocol.js';
import { TrainerServer } from '../../../../main/core/ml/trainer-server.js';

describe('trainer protocol', () => {
  it('lets NaN and Infinity losses through to train.ts (which names the step), but not a missing total', () => {
    expect(StepValue.parse({ total: Number.NaN, paclr: Number.POSITIVE_INFINITY })).toMatchObject({ paclr: Infinity });
    expect(Number.isNaN(StepValue.parse({ total: Number.NaN }).total)).toBe(true);
    expect(() => StepValue.parse({ paclr: 1 })).toThrow(/step terms lack total/);
    expect(() => StepValue.parse({ total: '1' })).toThrow(/expected a number/);
  });

  it('the compute side answers bad, early and foreign calls with why, and refuses as told', async () => {
    await selectBackend('wasm', { skipNative: true });
    let allow = true;
    const server = new TrainerServer(async () => (allow ? { ok: true, backend: 'wasm', detail: 'wasm here' } : { ok: false, reason: 'no adapter' }));
    expect(await server.handle({ type: 'trainer-call', jobId: 'j', id: 1, call: { method: 'step', batch: { treated: { shape: [1], data: [0] } } } })).toMatchObject({
      ok: false,
      jobId: 'j',
      id: 1,
      error: expect.stringMatching(/^bad trainer call: .*call\.batch\.treated\.data: expected a Float32Array/),
    });
    expect(await server.handle({ type: 'trainer-call', jobId: 'j', id: 2, call: { method: 'snapshot' } })).toMatchObject({ ok: false, error: 'no trainer open for job j (open it first)' });
    const relay = { call: (r: TrainerRequest) => server.handle(r) };
    const t = await RemoteTrainer.open(relayTransport(relay, 'a'));
    expect([t.backend, t.detail]).toEqual(['wasm', 'wasm here']);
    await expect(t.snapshot()).rejects.toThrow(/trainer used before init\(\)/);
    // Opening for another job frees the first job's model (no leak across jobs)…
    await RemoteTrainer.open(relayTransport(relay, 'b'));
    expect(server.live).toBe(1);
    await expect(t.snapshot()).rejects.toThrow(/no trainer open for job a/);
    // …and a refusal comes back as TrainerRefused with the compute side's reason.
    allow = false;
    const refused = RemoteTrainer.open(relayTransport(relay, 'c'));
    await expect(refused).rejects.toBeInstanceOf(TrainerRefused);
    await expect(refused).rejects.toThrow('no adapter');
    expect(server.live).toBe(0);
  });
});
