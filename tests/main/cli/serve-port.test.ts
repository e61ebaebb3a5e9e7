// Item 13 of issue 17: `micon serve --port` with a bad or busy port says so in one line (exit 2), not
// with a raw Node error and its stack.
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../main/core/db/open.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

const dir = tmpDir('micon-serve-port-');
const root = path.resolve(__dirname, '../../..');

function serve(file: string, port: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli.ts'), 'serve', '--db', file, '--port', port], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

describe('micon serve --port', () => {
  it('refuses a port that is not a number, out of range, or in use, naming it, without a stack trace', async () => {
    const file = path.join(dir, 'p.micon');
    openProject(file).close();
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const taken = (busy.address() as net.AddressInfo).port;
    try {
      for (const [port, re] of [
        ['abc', /--port abc: expected a whole number from 0 to 65535/],
        ['99999', /--port 99999: expected a whole number from 0 to 65535/],
        ['-1', /--port -1: expected a whole number from 0 to 65535/],
        [String(taken), new RegExp(`port ${taken} on 127\\.0\\.0\\.1 is already in use.*--port 0`)],
      ] as const) {
        const r = serve(file, port);
        expect(r.status, `${port}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(re);
        expect(r.stderr).not.toMatch(/\n\s+at |EADDRINUSE|RangeError/);
      }
    } finally {
      busy.close();
    }
  }, 120_000);
});
