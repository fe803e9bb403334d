/**
 * The formal TVSCM check in every rounding and overflow mode, both shapes,
 * and the free handshake schedule; the FFT butterfly in every mode; and the
 * fault twins of both (`npm run test:deep`; minutes, not seconds). The
 * default suite proves the rounding block (test/formal.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ALL_MODES, prove } from '../src/formal/index.ts';
import { TVSCM_SHAPES, tvscmJob } from '../src/layers/tvscm/proofs.ts';
import { BUTTERFLY_SHAPES, butterflyJob } from '../src/layers/fft/proofs.ts';

describe('formal (deep): TVSCM layers in every mode', () => {
  for (const [si, shape] of TVSCM_SHAPES.entries()) {
    for (const m of ALL_MODES) {
      it(`shape ${si} (${shape.placement.type}), ${m.rounding}, ${m.overflow}: proved`, { tags: ['tools'] }, async () => {
        const r = await prove(tvscmJob(shape, [m]));
        console.log(`[formal] ${r.proved ? 'PROVED' : 'COUNTEREXAMPLE'} in ${r.seconds.toFixed(1)} s: ${r.name}`);
        expect(r.proved).toBe(true);
      });
    }
  }
  it('band shape, convergent, saturate, any valid/ready pattern and config writes while idle: proved', { tags: ['tools'] }, async () => {
    const r = await prove(tvscmJob(TVSCM_SHAPES[0], [{ rounding: 'convergent', overflow: 'saturate' }], 'none', 'free'));
    console.log(`[formal] ${r.proved ? 'PROVED' : 'COUNTEREXAMPLE'} in ${r.seconds.toFixed(1)} s: ${r.name} (free schedule)`);
    expect(r.proved).toBe(true);
  });
});

describe('formal (deep): FFT butterflies in every mode', () => {
  for (const [si, shape] of BUTTERFLY_SHAPES.entries()) {
    for (const m of ALL_MODES) {
      it(`butterfly shape ${si} (delay ${2 ** shape.log2Delay}, ${shape.rot}), ${m.rounding}, ${m.overflow}: proved`, { tags: ['tools'] }, async () => {
        const r = await prove(butterflyJob(shape, [m], 'none', shape.log2Delay === 0 ? 10 : 12));
        console.log(`[formal] ${r.proved ? 'PROVED' : 'COUNTEREXAMPLE'} in ${r.seconds.toFixed(1)} s: ${r.name}`);
        expect(r.proved).toBe(true);
      });
    }
  }
});

describe('formal (deep): the sequential checks can fail', () => {
  it('the same fault in the TVSCM layer reference: sat finds an input sequence on which the layer differs', { tags: ['tools'] }, async () => {
    const r = await prove(tvscmJob(TVSCM_SHAPES[0], [{ rounding: 'convergent', overflow: 'saturate' }], 'tie-away-from-even'));
    expect(r.proved).toBe(false);
    // the trace drives the layer: reset in step 1, weights in steps 2..3, elements taken in steps 4..6
    expect(r.counterexample.length).toBeGreaterThan(6);
    expect(r.counterexample[0].get('rst')).toBe(1n);
  });

  it('a half-up reference with ties sent down: sat finds an input stream on which fft_sdf_bf differs', { tags: ['tools'] }, async () => {
    const r = await prove(butterflyJob(BUTTERFLY_SHAPES[0], [{ rounding: 'half-up', overflow: 'wrap' }], 'tie-down'));
    expect(r.proved).toBe(false);
    expect(r.counterexample[0].get('rst')).toBe(1n);
  });
});
