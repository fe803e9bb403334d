import { defineConfig } from 'vitest/config';

// `npm run test:deep`: the slow sweeps (files *.deep.test.ts), which `npm test` leaves out.
export default defineConfig({
  test: {
    include: ['test/**/*.deep.test.ts'],
    testTimeout: 7_200_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
