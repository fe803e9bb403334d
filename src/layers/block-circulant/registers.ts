/**
 * Block-circulant run-time registers: only with memory "spram", whose
 * spectra a bitstream cannot initialise. The config port is bcirc_loader.v:
 *   0 = restart the weight load at the first word (any value)
 *   1 = write the value's low 2*hWidth bits as the next word, {im, re}
 *   2, 3 = nothing
 * Setup: a restart, then every word of bcircLoadWords in order.
 *
 * The model mirrors the loader: its write pointer (base, lane, offset, the
 * address wrapping at 2^WA_W like the RTL's counters; a word whose address
 * is past the end of the memory changes nothing) and the memory, lane by
 * lane. It starts holding the spec's words with the pointer at its reset
 * value: SPRAM keeps its contents through a reset, so this is the device
 * after a load of the spec (after a power cycle the device's SPRAM holds
 * nothing known, and without the load, `circa run --no-sync`, the answers
 * differ). While the memory holds the spec's words, reference() is the
 * plan's; once it differs, the words are decoded back into the spectra H
 * (laneWord's layout in rtl.ts; the padded lanes of the last group are
 * never used) and the plan's reference runs with those.
 */
import { CircaInputError } from '../../errors.ts';
import type { LayerRegisters } from '../types.ts';
import type { Cplx } from '../circulant-common/spectrum.ts';
import { bcircWidths, type BlockCirculantPlan } from './plan.ts';
import { bcircReference } from './reference.ts';
import { bcircLoadWords, cfgWidth, unpackWord, wordPosition } from './rtl.ts';

/** WRITE_REG carries 32-bit values (src/network/protocol.ts). */
const WRITE_REG_BITS = 32;

export function bcircRegisters(p: BlockCirculantPlan): LayerRegisters | null {
  if (p.memory !== 'spram') return null;
  const ww = cfgWidth(p);
  if (ww > WRITE_REG_BITS) {
    throw new CircaInputError(
      `weights.spectrumWidth: ${p.name} keeps its spectra in SPRAM, which the host loads with ${WRITE_REG_BITS}-bit WRITE_REG values, ` +
        `but a word is ${ww} bits ({im, re} of ${p.hWidth} bits each); use a spectrumWidth of at most ${WRITE_REG_BITS / 2}`,
    );
  }
  const block = p.bins * p.q;              // words per lane per group (the loader's BLOCK)
  const size = 2 ** bcircWidths(p).WA_W;   // the address counters wrap here
  const load = bcircLoadWords(p);
  // the spec's word at lane l, address a: loader word (g*P + l)*BLOCK + o, a = g*BLOCK + o
  const specWord = (l: number, a: number) => load[(Math.floor(a / block) * p.lanes + l) * block + (a % block)];
  const mem = Array.from({ length: p.lanes }, (_, l) => Array.from({ length: p.wordsPerLane }, (_, a) => specWord(l, a)));
  let differing = 0;   // words of mem that are not the spec's
  let base = 0;
  let off = 0;
  let lane = 0;
  let written = 0;     // words written since the last restart
  let decoded: BlockCirculantPlan | null = null;

  const decode = (): BlockCirculantPlan => {
    const H: Cplx[][][] = p.H.map((row) => row.map((s) => s.map(([re, im]) => [re, im] as Cplx)));
    for (let l = 0; l < p.lanes; l++) {
      for (let a = 0; a < p.wordsPerLane; a++) {
        const { i, j, f } = wordPosition(p, l, a);
        if (i >= p.p) continue;   // a padded lane of the last group
        H[i][j][f] = unpackWord(p, mem[l][a]);
      }
    }
    return { ...p, H };
  };

  return {
    setup: () => ({
      writes: [{ reg: 0, value: 0 }, ...load.map((value) => ({ reg: 1, value }))],
      summary: `loaded the spectra into SPRAM (${load.length} words of ${ww} bits)`,
      task: 'loading the spectra',
    }),
    write(reg, value) {
      if (reg === 0) {
        base = 0;
        off = 0;
        lane = 0;
        written = 0;
        return { effect: 'weight load restarted at the first word', applied: true, clearsOverflow: false };
      }
      if (reg !== 1) return { effect: `no register ${reg} (0 = restart the weight load, 1 = next weight word)`, applied: false, clearsOverflow: false };
      const u = Number(BigInt.asUintN(ww, BigInt(value)));
      const addr = (base + off) % size;
      const l = lane;
      const n = written++;
      // advance the pointer as bcirc_loader.v does
      if (off === block - 1) {
        off = 0;
        if (lane === p.lanes - 1) {
          lane = 0;
          base = (base + block) % size;
        } else lane++;
      } else off++;
      if (addr >= p.wordsPerLane) {
        return { effect: `word ${n}: lane ${l} address ${addr} is past the end of the weight memory (${p.wordsPerLane} words): no change`, applied: true, clearsOverflow: false };
      }
      const spec = specWord(l, addr);
      differing += (u !== spec ? 1 : 0) - (mem[l][addr] !== spec ? 1 : 0);
      if (mem[l][addr] !== u) decoded = null;
      mem[l][addr] = u;
      const { i, j, f } = wordPosition(p, l, addr);
      const [re, im] = unpackWord(p, u);
      const what = i < p.p ? `H[${i}][${j}][${f}] = ${re} ${im < 0 ? '-' : '+'} ${Math.abs(im)}i${u === spec ? '' : ' (not the spec\'s)'}` : 'a padded lane (unused)';
      return { effect: `word ${n}: lane ${l} address ${addr}: ${what}`, applied: true, clearsOverflow: false };
    },
    reference(x) {
      if (differing === 0) return bcircReference(p, x);
      decoded ??= decode();
      return bcircReference(decoded, x);
    },
  };
}
