/**
 * Regenerate generated/: the reference RTL for the reference configurations.
 * test/generated.test.ts fails when generated/ differs from what this writes.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_CONFIGS, referenceFiles } from './reference-configs.ts';

const root = join(import.meta.dirname, '..', 'generated');
rmSync(root, { recursive: true, force: true });
for (const cfg of REFERENCE_CONFIGS) {
  const dir = join(root, cfg.dir);
  mkdirSync(dir, { recursive: true });
  for (const f of referenceFiles(cfg)) writeFileSync(join(dir, f.name), f.text);
  console.log(`generated/${cfg.dir}: ${readdirSync(dir).join(', ')}`);
}
