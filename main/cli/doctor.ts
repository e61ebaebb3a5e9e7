import { doctor } from '../core/system/doctor.js';
import { emit } from './output.js';

export async function runDoctor(o: { json?: boolean }): Promise<void> {
  const r = await doctor();
  emit(!!o.json, r, () =>
    [
      `Node ${r.node} on ${r.platform}, ${r.cpus} CPU threads, ${r.memoryGiB} GiB`,
      ...r.components.map(
        (c) =>
          `  ${c.available ? 'ok  ' : c.optional ? 'off ' : 'FAIL'} ${c.name.padEnd(28)} ${c.version ?? ''} ${c.detail ?? ''}${!c.available && c.fix ? `\n       → ${c.fix}` : ''}`,
      ),
    ].join('\n'),
  );
  if (r.components.some((c) => !c.optional && !c.available)) process.exitCode = 1;
}
