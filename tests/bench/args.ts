// Command-line options of the benchmarks: `<part> … --dim 700 --flag --dim=700`. Shared by `npm run bench`
// (run.ts) and the bundled GPU bench (scripts/gpu-bench), so both read options the same way.
export type BenchOptions = Record<string, string>;

export function parseBenchArgs(args: string[]): { parts: string[]; options: BenchOptions } {
  const parts: string[] = [];
  const options: BenchOptions = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(args[i]);
    if (!m) parts.push(args[i]);
    else if (m[2] !== undefined) options[m[1]] = m[2];
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) options[m[1]] = args[++i];
    else options[m[1]] = 'true';
  }
  return { parts, options };
}
