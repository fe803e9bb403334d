/**
 * The deep sweep of the randomized co-simulation (`npm run test:deep`):
 * thirty random configurations of every layer kind, over the wider ranges
 * (larger and prime sizes, block size 16, 32-point FFTs), from the printed
 * seed (CIRCA_SEED reproduces it). As in test/random.cosim.test.ts, the
 * configurations of a kind share one Verilator build; each is checked value
 * for value, for its overflow flag, and for every vector's cycles.
 */
import { describe, expect, it } from 'vitest';
import { KINDS, randomCosim, runSeed } from './random-cosim.ts';

const SEED = runSeed();
const PER_KIND = 30;

describe(`randomized co-simulation (deep), ${PER_KIND} configurations per kind (seed ${SEED}; CIRCA_SEED=${SEED} reproduces)`, () => {
  for (const kind of KINDS) {
    it(`${kind}: ${PER_KIND} random configurations bit-exact, overflow flag and cycles as predicted`, { tags: ['tools'] }, async () => {
      console.log(`${kind}: seed ${SEED} (CIRCA_SEED=${SEED} npm run test:deep reproduces)`);
      const r = await randomCosim(kind, PER_KIND, SEED, { deep: true, vectors: 16 });
      expect(r.configs).toBe(PER_KIND);
      console.log(`${kind}: ${r.configs} configurations (${r.rejected} draws rejected by the plan), ${r.vectors} vectors, ${r.cycles} cycles; ` +
        `one Verilator build ${r.buildSeconds.toFixed(1)} s, ${r.seconds.toFixed(1)} s in all (seed ${SEED})`);
    });
  }
});
