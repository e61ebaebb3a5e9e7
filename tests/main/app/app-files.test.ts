import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFileHeaders, contentSecurityPolicy, resolveAppFile, withCsp } from '../../../main/app/app-files.js';

let dir: string;
let renderer: string;

beforeAll(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'micon-appfiles-')));
  renderer = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(renderer, 'assets', 'link.txt'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('resolveAppFile', () => {
  it('serves index.html for / and files under the renderer folder with their type', () => {
    expect(resolveAppFile(renderer, 'micon://app/')).toEqual({ ok: true, file: path.join(renderer, 'index.html'), type: 'text/html; charset=utf-8' });
    expect(resolveAppFile(renderer, 'micon://app/index.html?x=1#/plates')).toMatchObject({ ok: true, file: path.join(renderer, 'index.html') });
    expect(resolveAppFile(renderer, 'micon://app/assets/index-abc.js')).toMatchObject({ ok: true, type: 'text/javascript; charset=utf-8' });
    expect(resolveAppFile(renderer, 'micon://app/assets/index-abc.js', 'HEAD').ok).toBe(true);
  });

  it('refuses paths leaving the folder, directly, encoded or through a symlink', () => {
    for (const url of ['micon://app/../secret.txt', 'micon://app/%2e%2e/secret.txt', 'micon://app/assets/%2e%2e%2f%2e%2e%2fsecret.txt', 'micon://app/..%5csecret.txt', 'micon://app/assets/link.txt']) {
      expect(resolveAppFile(renderer, url), url).toMatchObject({ ok: false, status: 404 });
    }
  });

  it('refuses other hosts, schemes, methods, folders and missing files', () => {
    expect(resolveAppFile(renderer, 'micon://other/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppFile(renderer, 'file:///index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppFile(renderer, 'micon://app/index.html', 'POST')).toMatchObject({ ok: false, status: 405 });
    expect(resolveAppFile(renderer, 'micon://app/assets')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppFile(renderer, 'micon://app/nope.js')).toMatchObject({ ok: false, status: 404 });
  });

  it('says the UI is not built when index.html is missing', () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    expect(resolveAppFile(empty, 'micon://app/')).toMatchObject({ ok: false, status: 503, message: expect.stringMatching(/npm run build/) });
  });
});

describe('content security policy', () => {
  it('allows no inline script and no remote anything in production', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/https?:|ws:/);
  });

  it('relaxes only inline scripts and the HMR socket for the dev server', () => {
    const csp = contentSecurityPolicy('http://localhost:5173');
    expect(csp).toMatch(/script-src 'self' 'unsafe-inline'/);
    expect(csp).toContain("connect-src 'self' ws://localhost:5173");
  });

  it('replaces an existing policy header whatever its case', () => {
    const h = withCsp({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] }, "default-src 'self'");
    expect(h).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'self'"] });
    expect(appFileHeaders('text/html', 'x')).toMatchObject({ 'Content-Security-Policy': 'x', 'X-Content-Type-Options': 'nosniff' });
  });
});
