/**
 * Randomized co-simulation of every layer kind (issue 16): eight random small
 * configurations per kind, drawn from a printed seed (CIRCA_SEED reproduces
 * it), generated, simulated in Verilator under stalls and at full rate, and
 * compared value for value with the reference model, the overflow flag and
 * every vector's cycles with the prediction. The eight share one Verilator
 * build (test/random-cosim.ts). The sweep with thirty per kind is
 * test/random.cosim.deep.test.ts (`npm run test:deep`).
 */
import { describe, expect, it } from 'vitest';
import { KINDS, randomCosim, runSeed } from './random-cosim.ts';

const SEED = runSeed();
const PER_KIND = 8;

describe(`randomized co-simulation, ${PER_KIND} configurations per kind (seed ${SEED}; CIRCA_SEED=${SEED} reproduces)`, () => {
  for (const kind of KINDS) {
    it(`${kind}: ${PER_KIND} random configurations bit-exact, overflow flag and cycles as predicted`, { tags: ['tools'] }, async () => {
      console.log(`${kind}: seed ${SEED} (CIRCA_SEED=${SEED} npm test reproduces)`);
      const r = await randomCosim(kind, PER_KIND, SEED);
      expect(r.configs).toBe(PER_KIND);
      console.log(`${kind}: ${r.configs} configurations (${r.rejected} draws rejected by the plan), ${r.vectors} vectors, ${r.cycles} cycles; ` +
        `one Verilator build ${r.buildSeconds.toFixed(1)} s, ${r.seconds.toFixed(1)} s in all (seed ${SEED})`);
    });
  }
});
