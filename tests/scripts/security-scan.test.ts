// The electronegativity gate (`npm run security`, in CI): the app's own sources pass, and the gate
// does fail on a window that switches the protections off.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = tmpDir('micon-scan-');

function scan(tree?: string) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'security-scan.mjs'), ...(tree ? [tree] : [])], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, report: JSON.parse(r.stdout) as { blocking: number; details: { id: string; severity: string; file: string }[] }, stderr: r.stderr };
}

describe('security scan (electronegativity)', () => {
  it('finds no HIGH or MEDIUM issue in the app', () => {
    const r = scan();
    expect(r.stderr).toContain('no HIGH or MEDIUM findings');
    expect(r.report.blocking).toBe(0);
    expect(r.status).toBe(0);
  }, 120_000);

  it('fails on a window with node integration on and isolation and sandbox off', () => {
    const app = path.join(dir, 'main', 'app');
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(
      path.join(app, 'window.ts'),
      `import { BrowserWindow } from 'electron';\nexport const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });\nw.loadURL('http://example.com');\n`,
    );
    const r = scan(dir);
    expect(r.status).toBe(1);
    const ids = r.report.details.filter((d) => d.severity === 'HIGH' || d.severity === 'MEDIUM').map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']));
  }, 120_000);
});
