// The layer fences in eslint.config.js, run through ESLint itself on the real config: each must fail on
// a violation (so a regex typo cannot quietly switch one off) and let the allowed imports through.
// That the tree itself keeps them is `npm run lint`'s job.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FENCES = ['no-restricted-imports', 'no-restricted-globals'];
// Only the fence rules run: the rest of the config is `npm run lint`'s business, and costs seconds here.
const eslint = new ESLint({ cwd: repoRoot, ruleFilter: ({ ruleId }) => FENCES.includes(ruleId) });

/** The fence messages ESLint reports for `code` as if it lived at `file`. */
async function fenceErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return result.messages.filter((m) => m.ruleId !== null && FENCES.includes(m.ruleId)).map((m) => m.message);
}

/** Each is one violation: [file it would live in, code]. */
const VIOLATIONS: [string, string][] = [
  // the core never imports a shell or the UI
  ['main/core/jobs/manager.ts', "import { x } from '../../app/ipc.js';"],
  ['main/core/api/handlers.ts', "import { x } from '../../server/server.js';"],
  ['main/core/ml/train.ts', "import { x } from '../../cli/train.js';"],
  ['main/core/util/pool.ts', "import { x } from '../../cli.js';"],
  ['main/core/images/tiles.ts', "import { x } from '../../shell/tile-reply.js';"],
  ['main/core/api/contract.ts', "import type { x } from '../../../renderer/src/api';"],
  ['main/core/api/contract.ts', "import { x } from '../../../preload/api.js';"],
  ['main/core/db/open.ts', "import { app } from 'electron';"],
  // the two shells share code only through main/shell
  ['main/app/protocol.ts', "import { tileReply } from '../server/tile-route.js';"],
  ['main/app/app-files.ts', "import { resolveStatic } from '../server/static.js';"],
  ['main/app/index.ts', "import { x } from '../cli/serve.js';"],
  ['main/server/server.ts', "import { x } from '../app/ipc.js';"],
  ['main/server/server.ts', "import { app } from 'electron';"],
  ['main/shell/tile-reply.ts', "import { x } from '../server/tile-route.js';"],
  // the CLI and the preloads
  ['main/cli.ts', "import { x } from './app/index.js';"],
  ['main/cli/serve.ts', "import { x } from '../app/window.js';"],
  ['main/cli/serve.ts', "import { app } from 'electron';"],
  ['preload/api.ts', "import { x } from '../main/core/db/open.js';"],
  ['preload/index.ts', "import { x } from '../main/app/ipc.js';"],
  // the renderer imports only the contract and tile-url
  ['renderer/src/views/project/ImportPanel.tsx', "import type { IngestSummary } from '../../../../main/core/ingest/ingest';"],
  ['renderer/src/views/plates/channels.ts', "import type { ChannelName } from '../../../../main/core/types';"],
  ['renderer/src/components/depictions.ts', "import { DEPICT_MAX } from '../../../main/core/api/contract-compounds';"],
  ['renderer/src/App.tsx', "import { x } from '../../main/app/channels.js';"],
  ['renderer/src/App.tsx', "import { x } from '../../main/server/static.js';"],
  ['renderer/src/App.tsx', "import fs from 'node:fs';"],
  ['renderer/src/App.tsx', "import { ipcRenderer } from 'electron';"],
  ['renderer/compute/compute.ts', "import { x } from '../../main/core/db/open.js';"],
  ['renderer/compute/compute.ts', "import fs from 'node:fs';"],
  ['renderer/src/App.tsx', 'export const dev = process.env.NODE_ENV;'],
  ['renderer/src/views/plates/heatmap.ts', "export const b = Buffer.from('x');"],
  ['renderer/compute/compute.ts', 'export const here = __dirname;'],
];

/** Imports each layer may make. */
const ALLOWED: [string, string][] = [
  // the core imports the core and packages; both shells the shared module and the core
  ['main/core/api/handlers.ts', "import { a } from '../db/open.js';\nimport { b } from '../project/session.js';\nimport { z } from 'zod';\nexport const c = [a, b, z];"],
  ['main/app/protocol.ts', "import { tileReply } from '../shell/tile-reply.js';\nimport { a } from '../core/db/open.js';\nexport const b = [tileReply, a];"],
  ['main/server/static.ts', "import { resolveStatic } from '../shell/static-files.js';\nexport const b = resolveStatic;"],
  // the CLI and the preloads
  ['main/cli/serve.ts', "import { startServer } from '../server/server.js';\nexport const s = startServer;"],
  ['preload/api.ts', "import type { MiconApi } from '../main/core/api/contract.js';\nimport { INVOKE_CHANNEL } from '../main/app/channels.js';\nimport { ipcRenderer } from 'electron';\nexport const a: [MiconApi | null, string, unknown] = [null, INVOKE_CHANNEL, ipcRenderer];"],
  ['preload/compute.ts', "import { COMPUTE_CALL_CHANNEL } from '../main/app/compute-channels.js';\nexport const c = COMPUTE_CALL_CHANNEL;"],
  // the renderer imports only the contract and tile-url
  ['renderer/src/api.ts', "import type { MiconApi } from '../../main/core/api/contract';"],
  ['renderer/src/views/project/IngestJob.tsx', "import type { IngestSummary } from '@contract';"],
  ['renderer/src/views/plates/deep-zoom.ts', "import { tilePath } from '../../../../main/core/images/tile-url';"],
  ['renderer/src/views/plates/deep-zoom.ts', "import { tilePath } from '../../../../main/core/images/tile-url.js';"],
  ['renderer/compute/compute.ts', "import { TrainerServer } from '../../main/core/ml/trainer-server.js';"],
  ['renderer/compute/compute.ts', "import { adapterInfo } from '../../main/core/system/webgpu.js';"],
];

describe('layer fences', () => {
  it.each(VIOLATIONS)('%s: %s is an error', async (file, code) => {
    expect(await fenceErrors(file, code)).toHaveLength(1);
  });

  it.each(ALLOWED)('%s: %s is allowed', async (file, code) => {
    expect(await fenceErrors(file, code)).toEqual([]);
  });
});
