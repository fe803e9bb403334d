import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // slow sweeps live in *.deep.test.ts and run with `npm run test:deep` (vitest.deep.config.ts)
    exclude: ['test/**/*.deep.test.ts', 'node_modules/**'],
    // Co-simulation and bitstream tests build with Verilator / YoWASP; give them room.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
