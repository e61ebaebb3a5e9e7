#!/usr/bin/env node
// `npm run security`: Doyensec's electronegativity over the app's sources (Electron shell, preload,
// renderer, HTML), against the Electron version we ship. Fails on any HIGH or MEDIUM finding.
// Findings a person has reviewed carry an `eng-disable CHECK_ID` comment at the place, with why.
// Its CLI does not run with a newer commander hoisted next to it, so this calls its runner directly.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Another tree may be named (the test scans a deliberately unsafe one); by default, this repository.
const root = path.resolve(process.argv[2] ?? here);
const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity/dist/runner.js');
const pkg = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
const electron = (pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? '').replace(/^[^\d]*/, '');

// Sources only: built output (out/) is derived from them and may be stale; tests are not shipped.
const SCANNED = ['main/app', 'preload', 'renderer/src', 'renderer/index.html'];
// stdout carries only the JSON report; the scanner's own chatter goes to stderr.
const writeOut = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => process.stderr.write(chunk, ...rest);
const scratch = fs.mkdtempSync(path.join(root, '.security-scan-'));
try {
  for (const p of SCANNED) if (fs.existsSync(path.join(root, p))) fs.cpSync(path.join(root, p), path.join(scratch, p), { recursive: true });
  fs.copyFileSync(path.join(here, 'package.json'), path.join(scratch, 'package.json'));
  const r = await run(
    { input: scratch, isSarif: false, customScan: [], excludeFromScan: [], isRelative: true, isVerbose: false, electronVersionOverride: electron, parserPlugins: [] },
    false,
  );
  const rank = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };
  const sev = (i) => Object.keys(rank).find((k) => i.severity.value === rank[k] || i.severity.name === k) ?? String(i.severity.value);
  const findings = r.issues.map((i) => ({ id: i.id, severity: sev(i), confidence: i.confidence.name ?? i.confidence.value, file: i.file, line: i.location?.line, review: Boolean(i.manualReview) }));
  const blocking = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM');
  const failedFiles = r.errors.filter((e) => !e.tolerable);
  const out = { electron, scanned: SCANNED, findings: findings.length, blocking: blocking.length, bySeverity: Object.fromEntries(Object.keys(rank).map((k) => [k, findings.filter((f) => f.severity === k).length])), details: findings, unparsed: failedFiles };
  writeOut(`${JSON.stringify(out, null, 2)}\n`);
  if (failedFiles.length) {
    process.stderr.write(`security scan: ${failedFiles.length} file(s) could not be parsed: ${failedFiles.map((e) => e.file).join(', ')}\n`);
    process.exitCode = 1;
  }
  if (blocking.length) {
    process.stderr.write(`security scan: ${blocking.length} HIGH/MEDIUM finding(s):\n${blocking.map((f) => `  ${f.severity} ${f.id} ${f.file}:${f.line}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`security scan: no HIGH or MEDIUM findings (${findings.length} lower) for Electron ${electron}\n`);
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
