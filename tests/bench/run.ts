// `npm run bench -- <part> [<part> …] [--option value …]`: one JSON object per part on stdout. Progress
// goes to stderr. Options (`--dim 700` or `--dim=700`) are handed to every part; each reads its own.
import { parseBenchArgs, type BenchOptions } from './args.js';
import { benchGpu } from './gpu.bench.js';
import { benchImportProfiles } from './import-profiles.bench.js';
import { benchIngest } from './ingest.bench.js';
import { benchLargePlate } from './large-plate.bench.js';
import { benchRelay } from './relay.bench.js';
import { benchSearch } from './search.bench.js';
import { benchSiteFeatures } from './site-features.bench.js';
import { benchEmbed, benchTrain } from './train-embed.bench.js';

const parts: Record<string, (o: BenchOptions) => Promise<object>> = {
  ingest: benchIngest,
  train: benchTrain,
  embed: benchEmbed,
  gpu: benchGpu,
  search: benchSearch,
  'large-plate': benchLargePlate,
  features: benchSiteFeatures,
  'import-profiles': benchImportProfiles,
  relay: benchRelay,
};

const { parts: wanted, options } = parseBenchArgs(process.argv.slice(2));
const names = wanted.length ? wanted : Object.keys(parts);
for (const name of names) {
  const run = parts[name];
  if (!run) {
    process.stderr.write(`bench: unknown part "${name}" (have: ${Object.keys(parts).join(', ')})\n`);
    process.exit(2);
  }
  const result = await run(options);
  process.stdout.write(JSON.stringify({ part: name, ...result }) + '\n');
}
