import { defineConfig } from 'vitest/config';

// The slow tier (npm run test:deep): full sweeps and bitstream builds in files named *.deep.test.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.deep.test.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
    pool: 'forks',
  },
});
