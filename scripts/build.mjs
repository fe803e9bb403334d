// `npm run build`: compile src/ to dist/ (JavaScript + .d.ts) with tsc -p tsconfig.build.json,
// then stamp dist/ so bin/circa.mjs knows it is current. Does nothing when dist/ is already
// current (so test scripts can call it every time); --force compiles anyway.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { distState, STAMP } from '../bin/dist-fresh.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!process.argv.includes('--force') && distState(root) === 'fresh') process.exit(0);
const started = Date.now();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write('build: tsc failed; dist/ is not stamped, so bin/circa.mjs keeps running the sources\n');
  process.exit(r.status ?? 1);
}
writeFileSync(join(root, STAMP), `${new Date().toISOString()}\n`);
process.stderr.write(`build: dist/ compiled in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
