#!/usr/bin/env node
// circa command entry. It runs the compiled JavaScript in dist/ (`npm run build`);
// in a clone whose dist/ is missing or older than src/, it runs the TypeScript
// sources through tsx instead (a development dependency), so it never runs stale code.
// CIRCA_FROM_SOURCE=1 forces the sources.
import nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { distState } from './dist-fresh.mjs';

// Node 22.1+ keeps compiled code between runs (a faster start); older versions skip this.
nodeModule.enableCompileCache?.();

const root = fileURLToPath(new URL('..', import.meta.url));
const state = process.env.CIRCA_FROM_SOURCE === '1' ? 'stale' : distState(root);
let main;
if (state === 'fresh' || state === 'installed') {
  ({ main } = await import('../dist/cli/main.js'));
} else if (state === 'missing' && !(await import('node:fs')).existsSync(new URL('../src', import.meta.url))) {
  process.stderr.write('circa: dist/ is missing from this installation; reinstall the package\n');
  process.exit(1);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
