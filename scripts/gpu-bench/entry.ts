// Entry of the bundled GPU benchmark (scripts/gpu-bench/pack.sh bundles it with esbuild, run.sh runs it
// with a carried Node): `bench.mjs [--options of bench gpu]` prints bench gpu's JSON object on stdout;
// `bench.mjs --summary FILE` prints the human summary of a result file.
import fs from 'node:fs';
import { parseBenchArgs } from '../../tests/bench/args.js';
import { benchGpu } from '../../tests/bench/gpu.bench.js';
import { summarizeGpuBench } from '../../tests/bench/gpu-summary.js';

const { options } = parseBenchArgs(process.argv.slice(2));
try {
  if (options.summary) process.stdout.write(summarizeGpuBench(JSON.parse(fs.readFileSync(options.summary, 'utf8'))));
  else process.stdout.write(JSON.stringify({ part: 'gpu', ...(await benchGpu(options)) }) + '\n');
  // Dawn's instance keeps handles open; the result is written, so leave now.
  process.exit(0);
} catch (e) {
  process.stderr.write(`bench gpu: ${(e as Error).message}\n`);
  process.exit(2);
}
