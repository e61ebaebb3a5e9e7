// `npm run bench -- <part> [<part> …]`: one JSON object per part on stdout. Progress goes to stderr.
import { benchImportProfiles } from './import-profiles.bench.js';
import { benchIngest } from './ingest.bench.js';
import { benchLargePlate } from './large-plate.bench.js';
import { benchSearch } from './search.bench.js';
import { benchEmbed, benchTrain } from './train-embed.bench.js';

const parts: Record<string, () => Promise<object>> = {
  ingest: benchIngest,
  train: benchTrain,
  embed: benchEmbed,
  search: benchSearch,
  'large-plate': benchLargePlate,
  'import-profiles': benchImportProfiles,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(parts);
for (const name of names) {
  const run = parts[name];
  if (!run) {
    process.stderr.write(`bench: unknown part "${name}" (have: ${Object.keys(parts).join(', ')})\n`);
    process.exit(2);
  }
  const result = await run();
  process.stdout.write(JSON.stringify({ part: name, ...result }) + '\n');
}
