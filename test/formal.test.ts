/**
 * Formal checks (src/formal) in the default suite: yosys `sat` through YoWASP
 * proves RTL blocks equal to reference expressions written from src/fixed's
 * formulas, for every input of the stated widths, and finds a counterexample
 * when the reference carries a deliberate tie-rounding bug: the rounding
 * block (requant.v, whole and as the FFT splits it) here; the sequential
 * proofs of a TVSCM layer and the FFT butterfly in every mode, with their
 * fault twins, in test/formal.deep.test.ts (`npm run test:deep`).
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { fromUnsigned, shiftRound } from '../src/fixed/index.ts';
import { runNode } from './run-node.ts';
import {
  fftRoundFitJob, prove, referenceVsModelJob, requantJob, type ProofJob, type ProofResult,
} from '../src/formal/index.ts';
import { proofSuite } from '../src/layers/proofs.ts';

async function proveAndLog(job: ProofJob): Promise<ProofResult> {
  const r = await prove(job);
  console.log(`[formal] ${r.proved ? 'PROVED' : 'COUNTEREXAMPLE'} in ${r.seconds.toFixed(1)} s (${r.variables} variables, ${r.clauses} clauses): ${job.name}`);
  return r;
}

describe('formal: reference expressions and the model', () => {
  it('the Verilog reference functions equal shiftRound()/fit() tables from src/fixed, every input, 6 modes', { tags: ['tools'] }, async () => {
    // the shapes the other checks use: the TVSCM checks' (6- and 7-bit accumulators, shift 1, 2-bit outputs), a narrowing one, a widening one
    const r = await proveAndLog(referenceVsModelJob([{ inW: 6, outW: 2, shift: 1 }, { inW: 7, outW: 2, shift: 1 }, { inW: 8, outW: 4, shift: 3 }, { inW: 6, outW: 8, shift: 0 }]));
    expect(r.proved).toBe(true);
  });
});

describe('formal: RTL blocks against the reference', () => {
  it('requant.v equals requantize() for every input, 5 shapes x 6 modes', { tags: ['tools'] }, async () => {
    const r = await proveAndLog(requantJob());
    expect(r.proved).toBe(true);
  });

  it('requant.v split as the FFT uses it (round, then fit) equals requantize() for every input, 3 shapes x 6 modes', { tags: ['tools'] }, async () => {
    const r = await proveAndLog(fftRoundFitJob());
    expect(r.proved).toBe(true);
  });

  // The sequential checks (a generated TVSCM layer, the FFT butterfly) cost tens of seconds per
  // mode: every mode, with their fault twins, in test/formal.deep.test.ts (`npm run test:deep`).
});

describe('formal: the check can fail', () => {
  it('a reference whose convergent ties go to the odd neighbour: sat finds a tie on which requant.v differs', { tags: ['tools'] }, async () => {
    const shape = { inW: 12, outW: 6, shift: 4 };
    const r = await proveAndLog(requantJob([shape], [{ rounding: 'convergent', overflow: 'saturate' }], 'tie-away-from-even'));
    expect(r.proved).toBe(false);
    const din = r.counterexample[0]?.get('din');
    expect(din).toBeDefined();
    const x = fromUnsigned(din!, shape.inW);
    // the counterexample is a genuine tie (the dropped bits are exactly one half) ...
    expect(x - Math.floor(x / 16) * 16).toBe(8);
    // ... where the model's convergent rounding goes to the even neighbour, which the faulty reference does not
    const t = Math.floor(x / 16);
    const faulty = t % 2 === 0 ? t + 1 : t;
    expect(shiftRound(x, 4, 'convergent')).not.toBe(faulty);
  });

  it('a half-up reference with ties sent down: sat finds a counterexample in the FFT\'s split requant.v', { tags: ['tools'] }, async () => {
    const r = await proveAndLog(fftRoundFitJob([{ inW: 9, outW: 8, shift: 1 }], [{ rounding: 'half-up', overflow: 'wrap' }], 'tie-down'));
    expect(r.proved).toBe(false);
    const x = fromUnsigned(r.counterexample[0].get('din')!, 9);
    expect(Math.abs(x % 2)).toBe(1); // odd: a tie when shifting by one
  });
});

describe('circa prove', () => {
  it('--help names the command and its options; the suite it runs is the proofs above', async () => {
    const r = await runNode(resolve('bin/circa.mjs'), ['prove', '--help'], process.cwd());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: circa prove[\s\S]*--deep[\s\S]*--json[\s\S]*-q, --quiet/);
    expect(proofSuite().map((j) => j.top)).toEqual(['formal_reference_model', 'formal_requant', 'formal_fft_round_fit', 'formal_dsp_dual8', 'formal_dsp_dual8_reg', 'formal_tvscm', 'formal_fft_bf']);
    expect(proofSuite(true).length).toBe(4 + 1 + 2 * 6 + 2 * 6);
  });
});
