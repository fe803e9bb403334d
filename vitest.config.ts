import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Co-simulation and bitstream tests build with Verilator / YoWASP; give them room.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
