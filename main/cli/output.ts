import { ZodError } from 'zod';
import { InputError, isBusyError, type Problem } from '../core/types.js';
import { lockHolder } from './project.js';

/** `--json` prints exactly one JSON object on stdout; humans get text. */
export function emit(json: boolean, value: unknown, human: () => string): void {
  if (json) process.stdout.write(JSON.stringify(value) + '\n');
  else process.stdout.write(human() + '\n');
}

/**
 * Pads a table's first column to its longest entry (at least `min`): imported feature sets may have names
 * of up to 64 characters, and a fixed width pushed their figures out from under the headers.
 */
export function nameColumn(names: string[], min: number): (name: string) => string {
  const width = Math.max(min, ...names.map((n) => n.length + 1));
  return (name) => name.padEnd(width);
}

export function formatProblems(problems: Problem[], max = 25): string {
  if (!problems.length) return 'problems: none';
  const lines = problems.slice(0, max).map((p) => `  ${p.severity === 'error' ? 'ERROR' : 'warn '} ${p.message}`);
  if (problems.length > max) lines.push(`  … and ${problems.length - max} more (use --json for all)`);
  return `problems (${problems.length}):\n${lines.join('\n')}`;
}

/** Errors go to stderr with a non-zero exit; user mistakes get their message, bugs a stack. */
export function fail(e: unknown): never {
  if (e instanceof InputError) {
    process.stderr.write(`micon: ${e.message}\n`);
    for (const p of e.problems.slice(0, 20)) if (p.message !== e.message) process.stderr.write(`  ${p.message}\n`);
    process.exit(2);
  }
  if (e instanceof ZodError) {
    process.stderr.write(`micon: invalid input: ${e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
    process.exit(2);
  }
  if (isBusyError(e)) {
    const who = lockHolder();
    process.stderr.write(`micon: project busy: ${who ? `${who} is running` : 'another process holds its write lock (an import, training, embedding or the app)'}; try again when it has finished\n`);
    process.exit(2);
  }
  const err = e as Error & { code?: string };
  if (err?.code === 'commander.helpDisplayed' || err?.code === 'commander.version') process.exit(0);
  if (err?.code?.startsWith?.('commander.')) process.exit(2);
  process.stderr.write(`micon: ${err?.stack ?? String(e)}\n`);
  process.exit(1);
}

/** A signal Ctrl-C aborts, so a long job stops at its next step and says so; `release` when done. */
export function abortOnSigint(): { signal: AbortSignal; release: () => void } {
  const abort = new AbortController();
  const onSig = () => abort.abort();
  process.once('SIGINT', onSig);
  return { signal: abort.signal, release: () => process.off('SIGINT', onSig) };
}
