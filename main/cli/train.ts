import path from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { describeConfig } from '../core/ml/config.js';
import { train } from '../core/ml/train.js';
import { TRAIN_PARAM_DEFAULTS, TrainParams } from '../core/ml/train-params.js';
import { InputError } from '../core/types.js';
import { abortOnSigint, emit } from './output.js';
import { openCliProject } from './project.js';

/** What commander hands over: every TrainParams option under its flag's attribute name, as typed. */
export interface TrainCliOptions {
  db: string;
  json?: boolean;
  [flag: string]: unknown;
}

type Field = (typeof TrainParams.shape)[keyof typeof TrainParams.shape];

/** The options of `micon train`, one per TrainParams field (its flag and help come from the schema). */
export function trainOptions(): { key: keyof TrainParams; option: Option }[] {
  return Object.entries(TrainParams.shape).map(([key, field]: [string, Field]) => {
    const meta = field.meta() as { flag: string; description: string };
    const option = new Option(meta.flag, meta.description);
    const inner = field.unwrap();
    if (inner instanceof z.ZodEnum) option.choices(inner.options as string[]);
    const d = (TRAIN_PARAM_DEFAULTS as Record<string, unknown>)[key];
    if (d !== undefined && typeof d !== 'boolean') option.default(String(d));
    return { key: key as keyof TrainParams, option };
  });
}

/** `micon train` on `cmd` (main/cli.ts gives it `program.command('train')`; tests a bare Command). */
export function defineTrainCommand(cmd: Command, action: (o: TrainCliOptions) => Promise<void> | void = runTrain): Command {
  cmd.description('train MICON (or a baseline) on the project; checkpoints make it resumable').requiredOption('--db <file>', 'project file (.micon)');
  for (const { option } of trainOptions()) cmd.addOption(option);
  return cmd.option('--json', 'print one JSON object').action((o: TrainCliOptions) => action(o));
}

/** What a number flag must be, in words, from its schema ("a positive integer (at most 1000000)"). */
function expected(n: z.ZodNumber): string {
  // An integer schema's bounds default to the safe-integer range: no bound worth saying.
  const min = n.minValue !== null && n.minValue > Number.MIN_SAFE_INTEGER ? n.minValue : null;
  const max = n.maxValue !== null && n.maxValue < Number.MAX_SAFE_INTEGER ? n.maxValue : null;
  const what = !n.isInt ? 'a positive number' : min === 1 ? 'a positive integer' : min !== null ? `an integer ≥ ${min}` : 'an integer';
  return max !== null ? `${what} (at most ${max})` : what;
}

/** The flags as TrainParams: numbers parsed, every value checked by the schema, errors naming the flag. */
export function trainParamsFromCli(o: TrainCliOptions): TrainParams {
  const params: Record<string, unknown> = {};
  for (const { key, option } of trainOptions()) {
    const raw = o[option.attributeName()];
    if (raw === undefined) continue;
    const field = TrainParams.shape[key];
    const inner = field.unwrap();
    const value = inner instanceof z.ZodNumber ? Number(raw) : inner instanceof z.ZodBoolean ? raw === true : raw;
    const r = field.safeParse(value);
    if (!r.success) {
      const why = inner instanceof z.ZodNumber ? `must be ${expected(inner)}, not ${JSON.stringify(raw)}` : r.error.issues.map((i) => i.message).join('; ');
      throw new InputError(`${option.long} ${why}`);
    }
    params[key] = r.data;
  }
  return TrainParams.parse(params);
}

export async function runTrain(o: TrainCliOptions): Promise<void> {
  const params = trainParamsFromCli(o);
  const db = openCliProject(o.db);
  const tty = !o.json && process.stderr.isTTY;
  const ctrlC = abortOnSigint();
  try {
    let lastLine = 0;
    let saidDevice = false;
    const r = await train(db, {
      ...params,
      model: params.model ?? TRAIN_PARAM_DEFAULTS.model,
      projectPath: path.resolve(o.db),
      signal: ctrlC.signal,
      onProgress: o.json
        ? undefined
        : (p) => {
            if (!saidDevice) {
              // Once, before the first step line: what it runs on ("… software adapter" included).
              process.stderr.write(`training on ${p.backend}: ${p.device}\n`);
              saidDevice = true;
            }
            const terms = Object.entries(p.terms)
              .map(([k, v]) => `${k} ${v.toFixed(3)}`)
              .join('  ');
            const line = `step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  ${terms}  ${Math.round(p.samplesPerSecond)} samples/s  [${p.backend}]`;
            // A line per ~10 % when not on a terminal, so logs show the loss falling.
            if (tty) process.stderr.write(`\r${line}   `);
            else if (p.step >= lastLine + p.steps / 10 || p.step === p.steps) {
              process.stderr.write(line + '\n');
              lastLine = p.step;
            }
          },
    });
    if (tty) process.stderr.write('\n');
    emit(!!o.json, r, () =>
      [
        `trained ${r.name} for ${r.steps} steps on ${r.backend} (${r.backendDetail})${r.resumedFrom !== null ? ` (resumed at step ${r.resumedFrom})` : ''} in ${r.seconds.toFixed(1)} s`,
        ...(r.backendSkipped.length ? [`skipped ${r.backendSkipped.join('; ')}`] : []),
        `loss ${r.lossStart.toFixed(4)} (first tenth) → ${r.lossEnd.toFixed(4)} (last tenth)`,
        `${r.trainCompounds} training compounds; ${r.heldoutCompounds} held out (never seen)${r.inactiveCompounds.length ? `; ${r.inactiveCompounds.length} left out as phenotypically inactive (${r.inactiveCompounds.join(', ')})` : ''}`,
        ...(r.featureSource && r.featureSource !== 'handcrafted' ? [`image side: feature head over ${r.featureSource}`] : []),
        ...(r.initFrom
          ? [`initialised from ${r.initFrom.source} (${r.initFrom.model}, step ${r.initFrom.step}): ${r.initFrom.loaded.length} parameters loaded (${r.initFrom.loaded.join(', ')}); ${r.initFrom.fresh.length} fresh${r.initFrom.fresh.length ? ` (${r.initFrom.fresh.join(', ')})` : ''}`]
          : []),
        `config: ${describeConfig(r.config)}`,
        `checkpoint: ${r.checkpoint}`,
      ].join('\n'),
    );
  } finally {
    ctrlC.release();
    db.close();
  }
}
