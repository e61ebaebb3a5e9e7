import { describe, expect, it } from 'vitest';
import { JobStartRequest } from '../../../../main/core/api/contract-jobs.js';
import { TrainJobParams } from '../../../../main/core/jobs/registry.js';
import { TrainProgress } from '../../../../main/core/jobs/protocol.js';

describe('training backend through the API and the job process', () => {
  it('a train request may ask for webgpu and allow a software adapter; other names are refused', () => {
    const req = { kind: 'train', model: 'micon', backend: 'webgpu', allowSoftwareGpu: true } as const;
    expect(JobStartRequest.parse(req)).toEqual(req);
    const { kind: _kind, ...params } = req;
    expect(TrainJobParams.parse({ ...params, db: 'x.micon' })).toMatchObject({ backend: 'webgpu', allowSoftwareGpu: true });
    expect(JobStartRequest.safeParse({ ...req, backend: 'cuda' }).success).toBe(false);
    expect(TrainJobParams.safeParse({ db: 'x.micon', backend: 'metal' }).success).toBe(false);
    expect(JobStartRequest.safeParse({ ...req, allowSoftwareGpu: 'yes' }).success).toBe(false);
  });

  it('training progress carries the device line (optional, so older job processes still validate)', () => {
    const p = { step: 1, steps: 2, loss: 1, terms: {}, samplesPerSecond: 3, backend: 'webgpu' };
    expect(TrainProgress.parse({ ...p, device: '@tensorflow/tfjs-backend-webgpu on SwiftShader … software adapter' }).device).toMatch(/software/);
    expect(TrainProgress.parse(p).device).toBeUndefined();
  });
});
