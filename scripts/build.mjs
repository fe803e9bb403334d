// `npm run build`: compile src/ to dist/ (JavaScript + .d.ts) with tsc -p tsconfig.build.json,
// then stamp dist/ so bin/circa.mjs knows it is current. Does nothing when dist/ is already
// current (so test scripts can call it every time); --force compiles anyway.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
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
// plain JavaScript modules beside the sources (worker entry points such as src/flow/yowasp-worker.mjs) go along as they are
const copyScripts = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const from = join(dir, e.name);
    if (e.isDirectory()) copyScripts(from);
    else if (/\.(mjs|cjs|js)$/.test(e.name)) {
      const to = join(root, 'dist', relative(join(root, 'src'), from));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
    }
  }
};
copyScripts(join(root, 'src'));
writeFileSync(join(root, STAMP), `${new Date().toISOString()}\n`);
process.stderr.write(`build: dist/ compiled in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
