#!/usr/bin/env node
// The `micon` command (package.json "bin"; `npm link` or a global install puts it on PATH). The CLI is
// TypeScript run from source, as `npm run micon` does: register tsx's ESM hooks in this process, then
// load main/cli.ts, which parses process.argv (the node and this file, then the user's arguments).
import { register } from 'tsx/esm/api';

register();
await import(new URL('../main/cli.ts', import.meta.url).href);
