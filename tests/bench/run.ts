// `npm run bench -- <part> [<part> …] [--option value …]`: one JSON object per part on stdout. Progress
// goes to stderr. Options (`--dim 700` or `--dim=700`) are handed to every part; each reads its own.
import { benchImportProfiles } from './import-profiles.bench.js';
import { benchIngest } from './ingest.bench.js';
import { benchLargePlate } from './large-plate.bench.js';
import { benchRelay } from './relay.bench.js';
import { benchSearch } from './search.bench.js';
import { benchSiteFeatures } from './site-features.bench.js';
import { benchEmbed, benchTrain } from './train-embed.bench.js';

type BenchOptions = Record<string, string>;

const parts: Record<string, (o: BenchOptions) => Promise<object>> = {
  ingest: benchIngest,
  train: benchTrain,
  embed: benchEmbed,
  search: benchSearch,
  'large-plate': benchLargePlate,
  features: benchSiteFeatures,
  'import-profiles': benchImportProfiles,
  relay: benchRelay,
};

const wanted: string[] = [];
const options: BenchOptions = {};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(args[i]);
  if (!m) wanted.push(args[i]);
  else if (m[2] !== undefined) options[m[1]] = m[2];
  else if (i + 1 < args.length && !args[i + 1].startsWith('--')) options[m[1]] = args[++i];
  else options[m[1]] = 'true';
}
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
