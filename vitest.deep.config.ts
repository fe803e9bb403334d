import { defineConfig } from 'vitest/config';
import { TAGS } from './vitest.config.ts';

/** `npm run test:deep`: the slow sweeps, in files named `*.deep.test.ts` (never part of `npm test`). */
export default defineConfig({
  test: {
    include: ['test/**/*.deep.test.ts'],
    tags: TAGS,
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
    pool: 'forks',
  },
});
