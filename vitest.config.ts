import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { HeaviestFirstSequencer, SlowestFilesReporter } from './test/suite-timing.ts';

/**
 * The whole suite (`npm test`, what CI runs). Test tiers:
 * - `npm run test:fast` (vitest.fast.config.ts): the files listed there, minus
 *   tests tagged `tools`; no Verilator, no synthesis, no YoWASP; under a minute.
 * - `npm test` (this file): every `test/**\/*.test.ts` except `*.deep.test.ts`:
 *   one real instance of every path (README, "Tests and benchmarks").
 * - `npm run test:deep` (vitest.deep.config.ts): only the `*.deep.test.ts`
 *   files: the repeats (more builds, more configurations, every proof mode).
 */
export const TAGS = [
  { name: 'tools', description: 'runs Verilator, Icarus, yosys/nextpnr (native or YoWASP) or a bitstream build: not in test:fast' },
];

/**
 * Two workers on a 2-core machine (vitest's default leaves one core idle):
 * yosys, nextpnr, clang (YoWASP) and `sat` are single-threaded, and two of
 * them side by side stay well inside 24 GB. Heaviest files first, so the long
 * ones overlap instead of one of them running alone at the end.
 */
export const WORKERS = Math.max(2, availableParallelism());

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/**/*.deep.test.ts'],
    tags: TAGS,
    // Co-simulation and bitstream tests build with Verilator / YoWASP; give them room.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Verilator builds without C++ optimisation: half the compile time; the deep tier builds as `circa sim` does
    env: { CIRCA_VERILATOR_NO_OPT: '1' },
    maxWorkers: WORKERS,
    sequence: { sequencer: HeaviestFirstSequencer },
    reporters: ['default', new SlowestFilesReporter()],
  },
});
