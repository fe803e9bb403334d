// Is dist/ (the compiled JavaScript) current? Shared by bin/circa.mjs and scripts/build.mjs.
// In an installed package there is no src/, so dist/ is what there is. In a clone, dist/ is
// current when its stamp (written by `npm run build` after tsc) is newer than every source
// file and the build config.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP = 'dist/.build-stamp';

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** 'fresh' | 'stale' | 'missing' (no dist/) | 'installed' (dist/ and no src/: an installed package) */
export function distState(root) {
  const hasDist = existsSync(join(root, 'dist', 'cli', 'main.js'));
  if (!existsSync(join(root, 'src'))) return hasDist ? 'installed' : 'missing';
  if (!hasDist || !existsSync(join(root, STAMP))) return 'missing';
  const stamp = statSync(join(root, STAMP)).mtimeMs;
  const inputs = Math.max(newestMtime(join(root, 'src')),
    // a tree with src/ but without one of these (a partial copy) is judged on what it has, not a crash
    ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].filter((f) => existsSync(join(root, f))).map((f) => statSync(join(root, f)).mtimeMs));
  return stamp >= inputs ? 'fresh' : 'stale';
}
