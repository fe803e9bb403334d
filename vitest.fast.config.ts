import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { TAGS } from './vitest.config.ts';

/**
 * `npm run test:fast`: the inner loop, under a minute, with no Verilator, no
 * synthesis and no YoWASP. The choice is made per test file: a file is listed
 * here when its tests need none of those tools; a listed file that also holds a
 * few tool-bound tests tags those `{ tags: ['tools'] }`, and they are left out.
 * A new test file belongs here when it is fast; `npm test` runs every file anyway.
 *
 * The tiers are enforced, not trusted: the native tools are shadowed on PATH
 * by scripts that fail, and the YoWASP packages by a module that throws
 * (test/fast-tier/no-tools.ts), so a tool-bound test in this tier fails loudly.
 */
export const FAST_FILES = [
  'test/fixed.test.ts',
  'test/cxxrtl-rom.test.ts',
  'test/numerics.test.ts',
  'test/tvscm.reference.test.ts',
  'test/fft.test.ts',
  'test/circulant.test.ts',
  'test/registers.test.ts',
  'test/estimate.test.ts',
  'test/estimate-conv.test.ts',
  'test/sweep.test.ts',
  'test/fill.test.ts',
  'test/pll.test.ts',
  'test/clock-auto.test.ts',
  'test/network.test.ts',
  'test/cli.test.ts',
  'test/schemas.test.ts',
  'test/serial.test.ts',
  'test/program.test.ts',
  'test/ci-template.test.ts',
  'test/train.test.ts',
  'test/onnx-spec.test.ts',
  'test/flow.steps.test.ts',
  'test/target-fixture.test.ts',
  'test/flow-script.test.ts',
  'test/architecture.test.ts',
  'test/function-length.test.ts',
  'test/generated.test.ts',
  'test/protocol.test.ts',
  'test/fuzz.test.ts',
  'test/build-lock.test.ts',
  'test/sim-host.test.ts',
  'test/circulant.folded.test.ts',
  'test/fft.folded.test.ts',
  'test/diagcirc.shared.test.ts',
  'test/dense.cosim.test.ts',
  'test/tvscm.cosim.test.ts',
  'test/input-checks.test.ts',
  'test/fuzz-weights.test.ts',
  'test/output.test.ts',
  'test/self-contained.test.ts',
  'test/newcomer.test.ts',
  'test/readme-accuracy.test.ts',
  'test/overflow-meaning.test.ts',
  'test/readme-figures.test.ts',
  'test/sim-times.test.ts',
  'test/conv2d.test.ts',
  'test/conv2d.bcirc.test.ts',
  'test/pool.test.ts',
  'test/conv1d.test.ts',
  'test/interop.test.ts',
  'test/tvscm-dual8.test.ts',
  'test/dual8-explore.test.ts',
  'test/conv-dual8.test.ts',
  'test/network.links.test.ts',
];

const guard = mkdtempSync(join(tmpdir(), 'circa-fast-tier-'));
process.on('exit', () => rmSync(guard, { recursive: true, force: true }));
for (const tool of ['verilator', 'verilator_bin', 'iverilog', 'vvp', 'yosys', 'nextpnr-ice40', 'icepack', 'icetime']) {
  const script = join(guard, tool);
  writeFileSync(script, `#!/bin/sh\necho "test:fast runs no ${tool}: tag this test \\\`tools\\\` or move its file out of vitest.fast.config.ts" >&2\nexit 127\n`);
  chmodSync(script, 0o755);
}
const noTools = new URL('./test/fast-tier/no-tools.ts', import.meta.url).pathname;

export default defineConfig({
  resolve: {
    alias: { '@yowasp/yosys': noTools, '@yowasp/nextpnr-ice40': noTools },
  },
  test: {
    include: FAST_FILES,
    tags: TAGS,
    tagsFilter: ['!tools'],
    env: { PATH: `${guard}${delimiter}${process.env.PATH ?? ''}` },
    // seconds on an idle machine; a loaded one (load average 15-25 on this shared 2-core machine) is several times slower
    testTimeout: 120_000,
    pool: 'forks',
    // vitest's default leaves one core free: on a 2-core machine that runs the files one by one
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
