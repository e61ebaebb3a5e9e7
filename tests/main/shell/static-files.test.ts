import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStatic } from '../../../main/shell/static-files.js';

const root = path.resolve('/srv/renderer');

describe('resolveStatic', () => {
  it('maps / to index.html and keeps files inside the root', () => {
    expect(resolveStatic(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStatic(root, '/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(resolveStatic(root, '//assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(resolveStatic(root, '/assets/../index.html')).toBe(path.join(root, 'index.html'));
  });

  it.each(['/..', '/../package.json', '/%2e%2e/package.json', '/%2e%2e%2fpackage.json', '/assets/%2E%2E/%2E%2E/x', '/..%5cx', '/a%00b', '/%E0%A4%A'])(
    'refuses %s',
    (p) => {
      expect(resolveStatic(root, p)).toBeNull();
    },
  );
});
