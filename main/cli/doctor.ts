import { doctor, type DoctorReport } from '../core/system/doctor.js';
import { emit } from './output.js';

export function formatDoctor(r: DoctorReport): string {
  const mark = (ok: boolean) => (ok ? 'ok  ' : 'off ');
  const { train, embed } = r.jobs;
  return [
    `Node ${r.node} on ${r.platform}, ${r.cpus} CPU threads, ${r.memoryGiB} GiB`,
    '',
    'components',
    ...r.components.map(
      (c) =>
        `  ${c.available ? 'ok  ' : c.optional ? 'off ' : 'FAIL'} ${c.name.padEnd(28)} ${c.version ?? ''} ${c.detail ?? ''}${!c.available && c.fix ? `\n       → ${c.fix}` : ''}`,
    ),
    '',
    `training backends (tfjs ${r.tfjs.version ?? 'not loadable'}; tried in this order)`,
    ...r.tfjs.backends.map(
      (b) => `  ${mark(b.available)} ${`${b.name} (${b.package})`.padEnd(44)} ${b.available ? (b.detail ?? '') : `${b.reason ?? 'unavailable'}`}`,
    ),
    '',
    `inference (onnxruntime-node ${r.onnxruntime.version ?? 'not installed'}) execution providers (tried in this order)`,
    ...(r.onnxruntime.reason ? [`  FAIL ${r.onnxruntime.reason}`] : []),
    ...r.onnxruntime.executionProviders.map((p) => `  ${mark(p.available)} ${p.name.padEnd(44)} ${p.available ? (p.adapter ?? '') : (p.reason ?? '')}`),
    '',
    `threads: ${r.threads.cpus} CPU, wasm ${r.threads.wasm ?? '–'}, onnxruntime ${r.threads.onnxruntime} intra-op`,
    '',
    'jobs will run on',
    train.backend !== null
      ? `  train  tfjs ${train.backend}: ${train.detail}${train.skipped.length ? `\n         skipped ${train.skipped.join('; ')}` : ''}`
      : `  train  nothing: ${train.error}`,
    embed.provider !== null
      ? `  embed  onnxruntime ${embed.provider} execution provider${embed.adapter ? ` on ${embed.adapter}` : `, ${embed.threads} threads`}${embed.skipped ? `\n         skipped ${embed.skipped}` : ''}`
      : `  embed  nothing: ${embed.error}`,
  ].join('\n');
}

export async function runDoctor(o: { json?: boolean }): Promise<void> {
  const r = await doctor();
  emit(!!o.json, r, () => formatDoctor(r));
  if (r.components.some((c) => !c.optional && !c.available) || r.jobs.train.backend === null || r.jobs.embed.provider === null) process.exitCode = 1;
}
