#!/usr/bin/env node
// `npm run icons`: every icon file from resources/icon.svg (see icons-lib.mjs for which and why).
// `npm run icons -- --check` only checks the committed files (exit 1 naming what is wrong).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIcons, checkIcons } from './icons-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--check');
if (unknown.length) {
  process.stderr.write(`icons: unknown argument ${unknown.join(' ')} (use --check)\n`);
  process.exit(2);
}
if (!args.includes('--check')) {
  for (const [rel, buf] of await buildIcons(root)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Atomic: a half-written icon never lands in a build.
    fs.writeFileSync(`${file}.tmp`, buf);
    fs.renameSync(`${file}.tmp`, file);
    process.stdout.write(`icons: ${rel} (${buf.length} bytes)\n`);
  }
}
const problems = await checkIcons(root);
if (problems.length) {
  process.stderr.write(`icons: ${problems.length} problem(s):\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write('icons: every icon file is present, decodes and was made from resources/icon.svg\n');
