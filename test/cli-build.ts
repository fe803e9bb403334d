/**
 * `circa build examples/tvscm-784.json --board icebreaker` through the
 * command, checked: test/cli.test.ts runs it with the YoWASP tools,
 * test/cli.build.deep.test.ts with the native ones.
 */
import { expect } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runNode } from './run-node.ts';

const CIRCA = resolve('bin/circa.mjs');
const EXAMPLE = resolve('examples/tvscm-784.json');

export async function buildExample(toolchain: 'yowasp' | 'native', work: string): Promise<void> {
  const out = join(work, `bit-${toolchain}`);
  const r = await runNode(CIRCA, ['build', EXAMPLE, '--board', 'icebreaker', '--toolchain', toolchain, '-o', out, '--json'], work);
  expect(r.stderr).not.toMatch(/RuntimeError|wasm/);
  expect(r.code).toBe(0);
  const j = JSON.parse(r.stdout);
  expect(statSync(join(out, 'circa_board_top.bin')).size).toBeGreaterThan(100_000);
  expect(j.flow.cells.dsp).toBeGreaterThanOrEqual(1);
  expect(j.flow.cells.dsp).toBeLessThanOrEqual(8);
  expect(j.flow.fmaxMHz).toBeGreaterThanOrEqual(12);
  expect(j.flow.timingMet).toBe(true);
  expect(j.cycles.latency).toBe(987);
  expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).flow.cells.lut).toBe(j.flow.cells.lut);
  console.log(`tvscm-784 on icebreaker (${toolchain}): ${j.flow.cells.logicCells} logic cells, ${j.flow.cells.ff} FF, ${j.flow.cells.dsp} DSP, ${j.flow.cells.ebr} EBR, Fmax ${j.flow.fmaxMHz?.toFixed(1)} MHz`);
}
