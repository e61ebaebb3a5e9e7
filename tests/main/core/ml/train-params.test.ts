// One schema for a training run's options (main/core/ml/train-params.ts): the API's train request,
// the job process's params, the CLI's flags and the app's form all read it, so an option added to
// the schema reaches each of them (and `Required<TrainParams>` below stops compiling until this
// test gives it a value).
import { Command } from 'commander';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { defineTrainCommand, trainOptions, trainParamsFromCli, type TrainCliOptions } from '../../../../main/cli/train.js';
import { JobStartRequest } from '../../../../main/core/api/contract-jobs.js';
import { TrainJobParams } from '../../../../main/core/jobs/registry.js';
import { TRAIN_DEFAULTS, TRAIN_PARAM_DEFAULTS, TrainParams } from '../../../../main/core/ml/train-params.js';
import { TrainForm } from '../../../../renderer/src/views/training/TrainForm.js';

/** A value for every option, none of them its default. */
const every: Required<TrainParams> = {
  model: 'clip',
  encoder: 'cnn',
  steps: 7,
  batchCompounds: 3,
  seed: 9,
  backend: 'wasm',
  allowSoftwareGpu: true,
  resume: true,
  checkpointEvery: 2,
  compounds: 'all',
  featureSource: 'backbone:x',
  residualRank: 4,
  initFrom: 'micon',
  name: 'clip-try',
  temperature: 0.5,
  cfGradient: 'detach',
  cfContrast: 'joint',
  referenceLoss: true,
};

/** `micon train` parsed by commander as main/cli.ts defines it, then turned into TrainParams. */
function cli(argv: string[]): TrainParams {
  let out: TrainParams | undefined;
  defineTrainCommand(new Command('train').exitOverride(), (o: TrainCliOptions) => {
    out = trainParamsFromCli(o);
  }).parse(['--db', 'x.micon', ...argv], { from: 'user' });
  return out!;
}

describe('TrainParams: one schema for CLI, API, job and form', () => {
  it('every option crosses the API and reaches the job process unchanged; unknown options are refused', () => {
    expect(JobStartRequest.parse({ kind: 'train', ...every })).toEqual({ kind: 'train', ...every });
    expect(TrainJobParams.parse({ db: 'x.micon', ...every })).toEqual({ db: 'x.micon', ...every });
    expect(JobStartRequest.safeParse({ kind: 'train', model: 'micon', learningRate: 1 }).success).toBe(false);
    // The schema's bounds hold at the API as at the CLI.
    expect(JobStartRequest.safeParse({ kind: 'train', model: 'micon', batchCompounds: 1 }).success).toBe(false);
  });

  it('the CLI has one flag per option, and its flags give the same params as the API request', () => {
    expect(trainOptions().map((o) => o.key)).toEqual(Object.keys(TrainParams.shape));
    const argv = [
      ...['--model', 'clip', '--encoder', 'cnn', '--steps', '7', '--batch', '3', '--seed', '9', '--backend', 'wasm', '--allow-software-gpu', '--resume'],
      ...['--checkpoint-every', '2', '--compounds', 'all', '--features', 'backbone:x', '--residual-rank', '4', '--init-from', 'micon', '--name', 'clip-try'],
      ...['--temperature', '0.5', '--cf-gradient', 'detach', '--cf-contrast', 'joint', '--reference-loss'],
    ];
    expect(cli(argv)).toEqual(every);
    const { kind: _kind, ...fromApi } = JobStartRequest.parse({ kind: 'train', ...every }) as { kind: 'train' } & TrainParams;
    expect(cli(argv)).toEqual(fromApi);
  });

  it('the CLI defaults are the schema defaults; a bad number names its flag and the rule', () => {
    expect(cli([])).toEqual({ model: TRAIN_PARAM_DEFAULTS.model, encoder: TRAIN_PARAM_DEFAULTS.encoder, seed: TRAIN_PARAM_DEFAULTS.seed, compounds: TRAIN_PARAM_DEFAULTS.compounds });
    expect(() => cli(['--batch', '1'])).toThrow(/--batch must be an integer ≥ 2 \(at most 4096\), not "1"/);
    expect(() => cli(['--seed', 'x'])).toThrow(/--seed must be an integer, not "x"/);
    expect(() => cli(['--temperature', '0'])).toThrow(/--temperature must be a positive number/);
  });

  it("the form starts from the schema's defaults and shows the per-encoder ones as placeholders", () => {
    const html = renderToStaticMarkup(createElement(TrainForm, { models: [], runs: [], sets: [], busy: false, act: async () => true }));
    const d = TRAIN_DEFAULTS[TRAIN_PARAM_DEFAULTS.encoder];
    expect(html).toMatch(new RegExp(`data-testid="train-steps"[^>]*placeholder="${d.steps}"|placeholder="${d.steps}"[^>]*data-testid="train-steps"`));
    expect(html).toContain(`placeholder="${d.batchCompounds}"`);
    expect(html).toMatch(new RegExp(`placeholder="${d.checkpointEvery}"[^>]*data-testid="train-every"`));
    expect(html).toMatch(new RegExp(`<option value="${TRAIN_PARAM_DEFAULTS.model}" selected`));
    expect(html).toMatch(new RegExp(`<option value="${TRAIN_PARAM_DEFAULTS.compounds}" selected`));
    expect(html).toContain(`value="${TRAIN_PARAM_DEFAULTS.seed}"`);
  });
});
