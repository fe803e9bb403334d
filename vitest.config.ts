import { defineConfig } from 'vitest/config';

/**
 * The whole suite (`npm test`, what CI runs). Test tiers:
 * - `npm run test:fast` (vitest.fast.config.ts): the files listed there, minus
 *   tests tagged `tools`; no Verilator, no synthesis, no YoWASP; under a minute.
 * - `npm test` (this file): every `test/**\/*.test.ts` except `*.deep.test.ts`.
 * - `npm run test:deep` (vitest.deep.config.ts): only the `*.deep.test.ts` sweeps.
 */
export const TAGS = [
  { name: 'tools', description: 'runs Verilator, Icarus, yosys/nextpnr (native or YoWASP) or a bitstream build: not in test:fast' },
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/**/*.deep.test.ts'],
    tags: TAGS,
    // Co-simulation and bitstream tests build with Verilator / YoWASP; give them room.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
