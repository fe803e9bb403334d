import { defineConfig } from 'vitest/config';
import { TAGS } from './vitest.config.ts';

/** `npm run test:deep`: the slow sweeps, in files named `*.deep.test.ts` (never part of `npm test`). */
export default defineConfig({
  test: {
    include: ['test/**/*.deep.test.ts'],
    // the tier exists before its first sweep lands: no deep files yet is not a failure
    passWithNoTests: true,
    tags: TAGS,
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
    pool: 'forks',
  },
});
