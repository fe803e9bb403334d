import { defineConfig } from 'vitest/config';
import { TAGS, WORKERS } from './vitest.config.ts';
import { HeaviestFirstSequencer, SlowestFilesReporter } from './test/suite-timing.ts';

/**
 * `npm run test:deep`: the repeats kept out of `npm test`, in files named
 * `*.deep.test.ts`: more bitstream builds, more random configurations, every
 * proof mode with its fault twin, every example on both simulator back ends.
 * Each covers a path the default suite also covers once (README, "Tests and
 * benchmarks").
 */
export default defineConfig({
  test: {
    include: ['test/**/*.deep.test.ts'],
    tags: TAGS,
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
    pool: 'forks',
    maxWorkers: WORKERS,
    sequence: { sequencer: HeaviestFirstSequencer },
    reporters: ['default', new SlowestFilesReporter()],
  },
});
