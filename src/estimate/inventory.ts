/**
 * The hardware inventory of a design, read from the same plans the RTL is
 * emitted from: for every layer (and every stream_link a network adds), its
 * memories, its multipliers, the widths of its datapath, and the events one
 * inference causes (multiplies by operand widths, adds by width, memory
 * reads and writes). The resource model (resources.ts) prices the inventory
 * in LUTs, FFs, DSPs and EBR; the energy model (energy.ts) in picojoules.
 *
 * Each kind's entry follows its template in rtl-templates/:
 *   tvscm       tvscm_layer.v    P lane banks (RAM, ROWS x X_W), two or
 *                                P+1 multipliers, pre-adders, accumulators
 *   dense       dense_layer.v    input buffer (RAM, N x X_W), weight ROM
 *                                (G*N x P*W_W; with memory "spram" a RAM,
 *                                ram_style "huge", and dense_loader.v),
 *                                bias ROM (G x P*B_W), P MACs
 *   activation  act_layer.v      one requantiser, no memory
 *   argmax      argmax_layer.v   one comparator, no memory
 *   fft         fft_*.v (src/fft) one FFT/IFFT pipeline, see fftPart below
 *   circulant,  circ_feed.v      input buffer (RAM, K x S_W), forward FFT,
 *   diag-       circ_pmul.v      4 multipliers X_W x H_W, half-spectrum ROM
 *   circulant   circ_out.v       (K/2+1 x 2 H_W), inverse FFT, output stage
 *                                (diag: one Z_W x D_W multiplier, d/b ROM)
 *   block-      bcirc_layer.v    block buffers (RAM, 2K x X_W), X buffer
 *   circulant                    (RAM, 2^XA_W x 2 XF_W), per lane an output
 *                                bank (RAM, 2^(BA_W+1) x 2 F_W) and 4
 *                                multipliers XF_W x H_W; spectra in an EBR
 *                                ROM (wordsPerLane x P*2 H_W) or one SPRAM
 *                                RAM per lane (ram_style "huge"); one FFT
 *   stream_link stream_link.v    DEPTH x (LANES*W + LANE_W + 1) RAM after each layer
 * A kind this file does not know falls back to its cost face (multipliers as
 * 16 x 16, buffer and weight bits as one RAM and one ROM) and is flagged.
 */
import type { NetworkPlan, NetworkLayer } from '../network/plan.ts';
import { bitsFor } from '../layers/formats.ts';
import type { TvscmPlan } from '../layers/tvscm/plan.ts';
import type { DensePlan } from '../layers/dense/plan.ts';
import type { ActivationPlan } from '../layers/activation/plan.ts';
import type { ArgmaxPlan } from '../layers/argmax/plan.ts';
import type { FftPlan, EngineNumerics, FoldedPass } from '../fft/index.ts';
import type { FftLayerPlan } from '../layers/fft/plan.ts';
import type { CirculantPlan } from '../layers/circulant/plan.ts';
import type { DiagCirculantPlan } from '../layers/diag-circulant/plan.ts';
import type { StreamCorePlan } from '../layers/circulant-common/stream-plan.ts';
import type { FoldedCorePlan } from '../layers/circulant-common/folded-core.ts';
import type { BlockCirculantPlan } from '../layers/block-circulant/plan.ts';
import { bcircWidths } from '../layers/block-circulant/plan.ts';
import type { MemorySpec, MultiplierSpec } from './memory.ts';

/** Memory accesses per inference, in words of the memory's width. */
export interface MemoryUse extends MemorySpec {
  /** word writes per inference */
  writes: number;
  /**
   * word reads per inference as the RTL performs them. The layer templates
   * enable their memory read ports with the pipeline clock enable, which is
   * high whenever the output is not stalled, so a bank or ROM is read on
   * every cycle of an inference, not only when its data is used.
   */
  reads: number;
  /** reads whose data the datapath uses */
  usefulReads: number;
  /** memory that holds weights (ROM) */
  weights: boolean;
}

/** Operations on new data per inference (padded lanes included: the hardware computes them). */
export interface ArithUse {
  /** multiplies by operand widths (y: product width, which decides DSP or logic) */
  multiplies: { a: number; b: number; y: number; count: number }[];
  /** additions, subtractions and comparisons by width */
  adds: { width: number; count: number }[];
}

/**
 * Datapath widths the LUT/FF model is calibrated on (see coefficients.ts).
 * Only the fields a kind uses are set.
 */
export interface KindFeatures {
  [name: string]: number;
}

export interface LayerInventory {
  /** layer name (or link name) */
  name: string;
  /** layer kind, or 'stream_link' / 'glue' */
  kind: string;
  memories: MemoryUse[];
  multipliers: MultiplierSpec[];
  arith: ArithUse;
  /** features of the LUT/FF model for this kind */
  features: KindFeatures;
  /** clock cycles per inference this block is active (its own latency) */
  activeCycles: number;
  /** true when the kind is not modelled here and the cost face was used */
  generic: boolean;
  /** the LUT/FF model to price it with, when not its kind's (the folded FFT engine: 'folded-fft') */
  model?: string;
}

const sumOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

/** TVSCM (rtl-templates/tvscm_layer.v, parameters from src/layers/tvscm/rtl.ts). */
function tvscmInventory(name: string, p: TvscmPlan, cycles: number): LayerInventory {
  const band = p.placement === 'band';
  const P = p.lanes;
  const fetches = p.rows + 2 * p.windowRows;
  const memories: MemoryUse[] = Array.from({ length: P }, (_, j) => ({
    name: `${name}.bank[${j}]`,
    depth: p.rows,
    width: p.xWidth,
    rom: false,
    // each element is written once, into the bank of its lane
    writes: Math.ceil((p.n - j) / P),
    reads: cycles,
    usefulReads: fetches,
    weights: false,
  }));
  const multipliers: MultiplierSpec[] = band
    ? [
        { name: `${name}.a*x`, a: p.wWidth, b: p.xWidth, y: p.prodAWidth, count: P },
        { name: `${name}.b*pairsum`, a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: P },
      ]
    : [
        { name: `${name}.(a-b)*x`, a: p.diffWidth, b: p.xWidth, y: p.prodAWidth, count: P },
        { name: `${name}.b*S`, a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: 1 },
      ];
  const outputs = p.rows * P; // every lane of every row computes
  const arith: ArithUse = band
    ? {
        multiplies: [
          { a: p.wWidth, b: p.xWidth, y: p.prodAWidth, count: outputs },
          { a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: outputs },
        ],
        adds: [
          { width: p.sumWidth, count: outputs * 2 * p.radius },
          { width: p.accWidth, count: outputs * 2 }, // accumulate and rounding add
        ],
      }
    : {
        multiplies: [
          { a: p.diffWidth, b: p.xWidth, y: p.prodAWidth, count: outputs },
          { a: p.wWidth, b: p.sumWidth, y: p.prodBWidth, count: 1 },
        ],
        adds: [
          { width: p.sumWidth, count: p.n }, // S while loading
          { width: p.diffWidth, count: 1 }, // a - b
          { width: p.accWidth, count: outputs * 2 },
        ],
      };
  const posMax = (p.rows + p.windowRows + 1) * P + p.n + p.radius;
  const ctrl = bitsFor(p.n) + bitsFor(p.rows - 1) + bitsFor(fetches) + 2 * (bitsFor(posMax) + 1) + (P > 1 ? Math.ceil(Math.log2(P)) : 0);
  const groups = band ? 2 * p.windowRows + 1 : 1;
  return {
    name,
    kind: 'tvscm',
    memories,
    multipliers,
    arith,
    features: {
      one: 1,
      lanes: P,
      // window shift register and the per-lane source muxes
      window: groups * P * p.xWidth,
      // per-lane datapath: accumulator, products, requantiser, output register
      lane: P * (p.accWidth + p.yWidth),
      // band pre-adders (radius pairs of SUM_W bits per lane) and wrap registers
      preadd: band ? P * p.radius * p.sumWidth : 0,
      wrap: band ? 2 * p.radius * p.xWidth + P * p.xWidth : 0,
      // complement: S accumulator, a - b and the shared b*S register
      shared: band ? 0 : p.sumWidth + p.diffWidth + p.prodBWidth,
      // counters and position registers, weight registers
      ctrl: ctrl + 2 * p.wWidth,
    },
    activeCycles: cycles,
    generic: false,
  };
}

/** Dense (rtl-templates/dense_layer.v and the generated ROMs of src/layers/dense/rtl.ts). */
function denseInventory(name: string, p: DensePlan, cycles: number): LayerInventory {
  const P = p.lanes;
  const issues = p.groups * p.n;
  const memories: MemoryUse[] = [
    { name: `${name}.xbuf`, depth: p.n, width: p.xWidth, rom: false, writes: p.n, reads: cycles, usefulReads: issues, weights: false },
    p.memory === 'spram'
      ? {
          name: `${name}.wmem`, depth: p.groups * p.n, width: p.wordWidth, rom: false, huge: true,
          writes: 0, reads: cycles, usefulReads: issues, weights: true,
        }
      : {
          name: `${name}.wrom`, depth: p.groups * p.n, width: p.wordWidth, rom: true, forceBlock: p.memory === 'ebr',
          writes: 0, reads: cycles, usefulReads: issues, weights: true,
        },
    { name: `${name}.brom`, depth: p.groups, width: P * p.bWidth, rom: true, writes: 0, reads: cycles, usefulReads: p.groups, weights: true },
  ];
  const multipliers: MultiplierSpec[] = [{ name: `${name}.x*w`, a: p.xWidth, b: p.wWidth, y: p.prodWidth, count: P }];
  const ctrl = bitsFor(p.n - 1) + bitsFor(p.groups - 1) + bitsFor(p.groups * p.n - 1) + bitsFor(p.n - 1);
  return {
    name,
    kind: 'dense',
    memories,
    multipliers,
    arith: {
      multiplies: [{ a: p.xWidth, b: p.wWidth, y: p.prodWidth, count: issues * P }],
      adds: [
        { width: p.accWidth, count: issues * P },
        { width: p.accWidth, count: p.groups * P }, // rounding add of the requantiser
      ],
    },
    features: {
      one: 1,
      lanes: P,
      // per lane: accumulator with the bias mux, requantiser, activation, output
      lane: P * (p.accWidth + p.yWidth),
      // per lane: product and bias pipeline registers
      prod: P * (p.prodWidth + p.bWidth),
      ctrl,
    },
    activeCycles: cycles,
    generic: false,
  };
}

function activationInventory(name: string, p: ActivationPlan, cycles: number): LayerInventory {
  return {
    name,
    kind: 'activation',
    memories: [],
    multipliers: [],
    arith: { multiplies: [], adds: p.fn === 'identity' && p.requant.shift === 0 ? [] : [{ width: p.xWidth + p.leftShift, count: p.n }] },
    features: { one: 1, x: p.xWidth + p.leftShift, y: p.yWidth },
    activeCycles: cycles,
    generic: false,
  };
}

function argmaxInventory(name: string, p: ArgmaxPlan, cycles: number): LayerInventory {
  return {
    name,
    kind: 'argmax',
    memories: [],
    multipliers: [],
    arith: { multiplies: [], adds: [{ width: p.xWidth, count: p.n - 1 }, { width: p.cntWidth, count: p.n }] },
    features: { one: 1, x: p.xWidth, idx: p.idxWidth + p.cntWidth, out: 2 * p.outWidth },
    activeCycles: cycles,
    generic: false,
  };
}

/** The hardware of one FFT pipeline, to be merged into the layer that holds it. */
interface FftPart {
  memories: MemoryUse[];
  multipliers: MultiplierSpec[];
  arith: ArithUse;
  features: KindFeatures;
}

/** Sum feature maps (the features of a layer's FFT pipelines add up). */
function addFeatures(...fs: KindFeatures[]): KindFeatures {
  const out: KindFeatures = {};
  for (const f of fs) for (const [k, v] of Object.entries(f)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * One FFT/IFFT pipeline of src/fft (generateFftRtl), `uses` transforms per
 * inference (a block-circulant layer sends q input and p output blocks
 * through its one FFT), `cycles` cycles enabled per inference:
 *   fft_sdf_bf + fft_delay   per butterfly: the delay line, a memory when
 *                            plan.useRam (D >= 32 words: D x 2 W_F RAM),
 *                            else D x 2 W_F flip-flops; adders, rounding,
 *                            saturation on W_F = W_in + 1 bits
 *   fft_cmul + <top>_twN_rom per twiddle stage: the ROM (L x 3 TW; EBR with
 *                            rom_style "block" when plan.romInEbr, L >= 64;
 *                            else a case ROM that yosys keeps in LUTs), and
 *                            `multipliers` (4 or 3) W x TW products (the
 *                            3-multiplier k1 = (a + b) c is W + 1 bits wide)
 *   fft_skid / fft_bitrev    the two-word output buffer, or the reorder
 *                            buffer (RAM, 2N x 2 W) with naturalOrder
 * Features of the LUT/FF model (coefficients.ts, fitted on `fft` layers and
 * shared by every kind that holds an FFT): fft (pipelines), bfBits (sum of
 * W_F), bfRound (the same over the butterflies that shift and round),
 * ffDelay (delay-line bits in flip-flops), ramDelay (pointer bits of the
 * delay lines in EBR), twBits (sum of W + TW over the twiddle stages),
 * outBuf (skid buffer bits, or the reorder buffer's counters).
 */
function fftPart(name: string, f: FftPlan, uses: number, cycles: number): FftPart {
  const n = f.n;
  const tw = f.spec.twiddleWidth;
  const rounds = f.spec.rounding !== 'truncate';
  const samples = uses * n;
  const memories: MemoryUse[] = [];
  const multipliers: MultiplierSpec[] = [];
  const multiplies: ArithUse['multiplies'] = [];
  const adds: ArithUse['adds'] = [];
  const feat = { fft: 1, bfBits: 0, bfRound: 0, ffDelay: 0, ramDelay: 0, twBits: 0, outBuf: 0 };
  for (const b of f.butterflies) {
    feat.bfBits += b.fifoWidth;
    if (b.shift > 0 && rounds) feat.bfRound += b.fifoWidth;
    if (b.useRam) {
      feat.ramDelay += b.log2Delay;
      memories.push({
        name: `${name}.bf${b.bf}.delay`, depth: b.delay, width: 2 * b.fifoWidth, rom: false,
        writes: samples, reads: samples, usefulReads: samples, weights: false,
      });
    } else {
      feat.ffDelay += b.delay * 2 * b.fifoWidth;
    }
    adds.push({ width: b.fifoWidth + 1, count: 4 * samples });
    if (b.shift > 0 && rounds) adds.push({ width: b.wOut + 1, count: 2 * samples });
  }
  for (const t of f.twiddles) {
    feat.twBits += t.width + tw;
    memories.push({
      name: `${name}.tw${t.tw}.rom`, depth: t.len, width: 3 * tw, rom: true, forceBlock: t.romInEbr,
      writes: 0, reads: cycles, usefulReads: samples, weights: false,
    });
    const w = t.width;
    if (f.spec.multipliers === 3) {
      multipliers.push({ name: `${name}.tw${t.tw}.k1`, a: w + 1, b: tw, y: w + tw + 1, count: 1 });
      multipliers.push({ name: `${name}.tw${t.tw}.k2k3`, a: w, b: tw, y: w + tw, count: 2 });
      multiplies.push({ a: w + 1, b: tw, y: w + tw + 1, count: samples }, { a: w, b: tw, y: w + tw, count: 2 * samples });
      adds.push({ width: w + 1, count: samples });
    } else {
      multipliers.push({ name: `${name}.tw${t.tw}.mul`, a: w, b: tw, y: w + tw, count: 4 });
      multiplies.push({ a: w, b: tw, y: w + tw, count: 4 * samples });
    }
    adds.push({ width: w + tw, count: 2 * samples });
    if (rounds) adds.push({ width: w + 3, count: 2 * samples });
  }
  if (f.reorder !== 'none') {
    const w = 2 * (f.reorder === 'output' ? f.outWidth : f.inWidth);
    memories.push({ name: `${name}.reorder`, depth: 2 * n, width: w, rom: false, writes: samples, reads: samples, usefulReads: samples, weights: false });
  }
  // the skid buffer's two words, or the reorder buffer's counters and bank flags
  feat.outBuf = f.reorder === 'output' ? 2 * f.log2n + 6 : 4 * f.outWidth;
  return { memories, multipliers, arith: { multiplies, adds }, features: feat };
}

/**
 * Product bits of a layer's multipliers (sum of count * y): on UltraPlus the
 * product registers and the adders after them sit in the SB_MAC16, on HX/LP
 * parts in logic; the HX model of the FFT kinds prices that difference with it.
 */
function mulY(ms: MultiplierSpec[]): number {
  return sumOf(ms.map((m) => m.count * m.y));
}

/**
 * The folded FFT engine (src/fft/folded-rtl.ts): two fold_bank memories
 * (N/2B words of B complex samples each), per butterfly unit a twiddle ROM
 * (the first quarter: N/4 x 2 TW) and, for the circulant layers, a spectrum ROM (K/2 x 2 H_W),
 * and one complex multiplier (4 real W x VW products, or 3 with Gauss: one
 * (W + 1) x FW and two W x FW). Features of its LUT/FF model ('folded-fft'
 * in coefficients.ts): one, unitBits (B x W: the units' datapath), ctrl
 * (log2 N: counters, address generation, pass table), outBits (the output
 * FIFO's word width; the FIFO is in flip-flops, ram_style "logic"), layer
 * (1 for a circulant core: loader, spectral product addressing, output
 * stage) and signs (the sign flip's inputs: a constant bit per input).
 */
export function foldedEnginePart(
  name: string,
  e: EngineNumerics,
  multipliers: 3 | 4,
  passes: readonly FoldedPass[],
  cycles: number,
  io: { inputs: number; outputs: number; outBits: number },
  pmul?: { hWidth: number },
): FftPart {
  const B = e.butterflies;
  const W = e.memWidth;
  const TW = e.twiddleWidth;
  const HW = pmul?.hWidth ?? TW;
  const VW = Math.max(TW, HW);
  const FW = multipliers === 3 && pmul ? Math.max(TW, HW + 1) : VW;
  const ops = passes.reduce((a, p) => a + p.ops, 0);
  const bfOps = passes.filter((p) => p.mode !== 'pmul').length * (e.n / 2);
  const pmOps = passes.some((p) => p.mode === 'pmul') ? e.n : 0;
  const memories: MemoryUse[] = [0, 1].map((k) => ({
    name: `${name}.bank${k}`, depth: e.n / (2 * B), width: B * 2 * W, rom: false,
    writes: (ops + e.n / B) / 2, reads: (ops + io.outputs) / 2, usefulReads: (ops + io.outputs) / 2, weights: false,
  }));
  for (let i = 0; i < B; i++) {
    memories.push({
      name: `${name}.twrom${i}`, depth: e.n / 4, width: 2 * TW, rom: true, forceBlock: e.n / 4 >= 64,
      writes: 0, reads: cycles, usefulReads: bfOps / B, weights: false,
    });
    if (pmul) {
      memories.push({
        name: `${name}.hrom${i}`, depth: e.n / 2, width: 2 * HW, rom: true, forceBlock: e.n / 2 >= 64,
        writes: 0, reads: cycles, usefulReads: pmOps / B, weights: true,
      });
    }
  }
  const products = bfOps + pmOps;
  const mul: MultiplierSpec[] = multipliers === 3
    ? [
        { name: `${name}.bfu.k1`, a: W + 1, b: FW, y: W + 1 + FW, count: B },
        { name: `${name}.bfu.k2k3`, a: W, b: FW, y: W + FW, count: 2 * B },
      ]
    : [{ name: `${name}.bfu.mul`, a: W, b: VW, y: W + VW, count: 4 * B }];
  const multiplies: ArithUse['multiplies'] = multipliers === 3
    ? [{ a: W + 1, b: FW, y: W + 1 + FW, count: products }, { a: W, b: FW, y: W + FW, count: 2 * products }]
    : [{ a: W, b: VW, y: W + VW, count: 4 * products }];
  const adds: ArithUse['adds'] = [
    { width: W + 1, count: 4 * bfOps },
    { width: W + VW + 2, count: 2 * products },
    { width: W + 1, count: 4 * bfOps },
  ];
  return {
    memories,
    multipliers: mul,
    arith: { multiplies, adds },
    features: { one: 1, unitBits: B * W, ctrl: e.log2n, outBits: io.outBits, layer: 0, signs: 0 },
  };
}

/** The fft kind (src/layers/fft): one pipeline, nothing around it. */
function fftInventory(name: string, p: FftLayerPlan, cycles: number): LayerInventory {
  if (p.architecture === 'folded') {
    const part = foldedEnginePart(name, p, p.spec.multipliers, p.passes, cycles, { inputs: p.n, outputs: p.n, outBits: 2 * p.memWidth });
    return {
      name, kind: 'fft', model: 'folded-fft', memories: part.memories, multipliers: part.multipliers, arith: part.arith,
      features: { ...part.features, mulY: mulY(part.multipliers) }, activeCycles: cycles, generic: false,
    };
  }
  const part = fftPart(name, p, 1, cycles);
  return {
    name, kind: 'fft', memories: part.memories, multipliers: part.multipliers, arith: part.arith,
    features: { one: 1, ...part.features, mulY: mulY(part.multipliers) }, activeCycles: cycles, generic: false,
  };
}

/**
 * The diag-circulant stage after a circulant core (streaming or folded): the
 * d/bias ROM, one z x d multiplier, its products and `addsPerOutput` adds per
 * output (the streaming core counts the bias alignment as a second add).
 */
function addDiagonal(
  name: string,
  c: { outputs: number; zWidth: number },
  diag: { dWidth: number; bWidth: number; accWidth: number },
  cycles: number,
  into: { memories: MemoryUse[]; multipliers: MultiplierSpec[] } & ArithUse,
  addsPerOutput: number,
): void {
  into.memories.push({
    name: `${name}.drom`, depth: c.outputs, width: diag.dWidth + diag.bWidth, rom: true, forceBlock: c.outputs >= 64,
    writes: 0, reads: cycles, usefulReads: c.outputs, weights: true,
  });
  into.multipliers.push({ name: `${name}.z*d`, a: c.zWidth, b: diag.dWidth, y: c.zWidth + diag.dWidth, count: 1 });
  into.multiplies.push({ a: c.zWidth, b: diag.dWidth, y: c.zWidth + diag.dWidth, count: c.outputs });
  into.adds.push({ width: diag.accWidth, count: addsPerOutput * c.outputs });
}

/**
 * circulant and diag-circulant: the streaming core of circulant-common/
 * stream-rtl.ts, circ_feed -> FFT -> circ_pmul (+ half-spectrum ROM) ->
 * IFFT -> circ_out (+ the d/b ROM and one multiplier with the diagonal).
 * Layer features beyond the FFTs' (one model for both kinds): `core`, the
 * register bits of the feeder, the spectral product and the output stage,
 * and `diag`, those of the diagonal stage.
 */
function streamInventory(
  name: string, kind: string, c: StreamCorePlan, yWidth: number, cycles: number,
  diag?: { dWidth: number; bWidth: number; accWidth: number },
): LayerInventory {
  const k = c.k;
  const sW = c.xWidth + (c.signs ? 1 : 0);
  const wx = c.fwd.outWidth;
  const wi = c.inv.inWidth;
  const bins = k / 2 + 1;
  const fwd = fftPart(`${name}.fft`, c.fwd, 1, cycles);
  const inv = fftPart(`${name}.ifft`, c.inv, 1, cycles);
  const memories: MemoryUse[] = [
    { name: `${name}.xbuf`, depth: k, width: sW, rom: false, writes: c.inputs, reads: c.inputs, usefulReads: c.inputs, weights: false },
    ...fwd.memories,
    {
      name: `${name}.hrom`, depth: bins, width: 2 * c.hWidth, rom: true, forceBlock: bins >= 64,
      writes: 0, reads: cycles, usefulReads: k, weights: true,
    },
    ...inv.memories,
  ];
  const multipliers: MultiplierSpec[] = [
    ...fwd.multipliers,
    { name: `${name}.pmul`, a: wx, b: c.hWidth, y: wx + c.hWidth, count: 4 },
    ...inv.multipliers,
  ];
  const multiplies = [...fwd.arith.multiplies, { a: wx, b: c.hWidth, y: wx + c.hWidth, count: 4 * k }, ...inv.arith.multiplies];
  const adds = [...fwd.arith.adds, { width: c.prodWidth, count: 2 * k }, { width: c.prodWidth, count: 2 * k }, ...inv.arith.adds, { width: c.zWidth, count: c.outputs }];
  if (diag) addDiagonal(name, c, diag, cycles, { memories, multipliers, multiplies, adds }, 2);
  // registers: circ_feed (stored sample, counters), circ_pmul (operands, sums, requantised
  // output), circ_out (z, requantised output in the skid buffer); the diagonal stage
  const core = (sW + 2 * c.log2k) + (2 * wx + 2 * c.prodWidth + 2 * wi + c.log2k) + (c.zWidth + 2 * yWidth + c.log2k);
  return {
    name, kind, memories, multipliers, arith: { multiplies, adds },
    features: addFeatures({
      one: 1, core, diag: diag ? c.zWidth + diag.dWidth + diag.bWidth + diag.accWidth : 0, mulY: mulY(multipliers),
    }, fwd.features, inv.features),
    activeCycles: cycles, generic: false,
  };
}

/**
 * circulant and diag-circulant on the folded engine (circulant-common/
 * folded-core.ts): the engine (foldedEnginePart, with the spectrum ROMs),
 * the requantiser, and for diag the d/b ROM and one Z_W x D_W multiplier.
 * Priced with the engine's model ('folded-fft'); outBits carries the
 * output stage's register bits.
 */
function foldedCoreInventory(
  name: string, kind: string, c: FoldedCorePlan, yWidth: number, cycles: number,
  diag?: { dWidth: number; bWidth: number; accWidth: number },
): LayerInventory {
  const part = foldedEnginePart(name, c.engine, c.multipliers, c.passes, cycles,
    { inputs: c.inputs, outputs: c.outputs, outBits: yWidth + c.zWidth + (diag ? diag.dWidth + diag.bWidth + diag.accWidth : 0) },
    { hWidth: c.hWidth });
  const memories = [...part.memories];
  const multipliers = [...part.multipliers];
  const multiplies = [...part.arith.multiplies];
  const adds = [...part.arith.adds, { width: c.zWidth, count: c.outputs }];
  if (diag) addDiagonal(name, c, diag, cycles, { memories, multipliers, multiplies, adds }, 1);
  return {
    name, kind, model: 'folded-fft', memories, multipliers, arith: { multiplies, adds },
    features: { ...part.features, layer: 1, signs: c.signs ? c.inputs : 0, mulY: mulY(multipliers) }, activeCycles: cycles, generic: false,
  };
}

/**
 * block-circulant (rtl-templates/bcirc_layer.v, src/layers/block-circulant/
 * rtl.ts): one FFT for q input and p output blocks, the buffers, P lanes of 4
 * multipliers, accumulators and an output bank each, the K-lane output beat,
 * the spectra in an EBR ROM or in SPRAM (one RAM per lane; with the loader).
 * Layer features beyond the FFT's: lane (register bits of the lanes: sums,
 * accumulators, requantised words) and collect (the output beat: K*Y_W).
 */
function bcircInventory(name: string, p: BlockCirculantPlan, cycles: number): LayerInventory {
  const w = bcircWidths(p);
  const P = p.lanes;
  const k = p.k;
  const macIssues = p.groups * p.bins * p.q;
  const fft = fftPart(`${name}.fft`, p.fft, p.q + p.p, cycles);
  const spram = p.memory === 'spram';
  const memories: MemoryUse[] = [
    { name: `${name}.ibuf`, depth: 2 * k, width: p.xWidth, rom: false, writes: p.inputs, reads: p.inputs, usefulReads: p.inputs, weights: false },
    { name: `${name}.xbuf`, depth: 2 ** w.XA_W, width: 2 * p.xfWidth, rom: false, writes: p.q * p.bins, reads: macIssues, usefulReads: macIssues, weights: false },
    ...Array.from({ length: P }, (_, l): MemoryUse => {
      const blocks = Math.ceil((p.p - l) / P);
      return {
        name: `${name}.obuf[${l}]`, depth: 2 * 2 ** w.BA_W, width: 2 * p.fft.inWidth, rom: false,
        writes: blocks * p.bins, reads: blocks * k, usefulReads: blocks * k, weights: false,
      };
    }),
    ...(spram
      ? Array.from({ length: P }, (_, l): MemoryUse => ({
          name: `${name}.wmem[${l}]`, depth: p.wordsPerLane, width: 2 * p.hWidth, rom: false, huge: true,
          writes: 0, reads: macIssues, usefulReads: macIssues, weights: true,
        }))
      : [{
          name: `${name}.wrom`, depth: p.wordsPerLane, width: P * 2 * p.hWidth, rom: true, forceBlock: p.wordsPerLane >= 64,
          writes: 0, reads: macIssues, usefulReads: macIssues, weights: true,
        }]),
    ...fft.memories,
  ];
  const prod = { a: p.xfWidth, b: p.hWidth, y: p.xfWidth + p.hWidth };
  const macs = p.p * p.q * p.bins;
  const multipliers: MultiplierSpec[] = [{ name: `${name}.lane.mul`, ...prod, count: 4 * P }, ...fft.multipliers];
  return {
    name,
    kind: 'block-circulant',
    memories,
    multipliers,
    arith: {
      multiplies: [{ ...prod, count: 4 * macs }, ...fft.arith.multiplies],
      adds: [{ width: p.prodWidth, count: 2 * macs }, { width: p.accWidth, count: 2 * macs }, ...fft.arith.adds],
    },
    features: addFeatures({
      one: 1,
      lane: P * (2 * p.prodWidth + 2 * p.accWidth + 2 * p.fft.inWidth),
      collect: k * p.yWidth,
      mulY: mulY(multipliers),
    }, fft.features),
    activeCycles: cycles,
    generic: false,
  };
}

/** A kind this file does not know: its cost face, priced as generic hardware. */
function genericInventory(layer: NetworkLayer, name: string, cycles: number): LayerInventory {
  const c = layer.kind.cost(layer.plan);
  const w = layer.shape.inWidth;
  const memories: MemoryUse[] = [];
  if (c.hardware.bufferBits > 0) {
    memories.push({
      name: `${name}.buffer`, depth: Math.ceil(c.hardware.bufferBits / w), width: w, rom: false,
      writes: c.ops.bufferWrites, reads: c.ops.bufferReads, usefulReads: c.ops.bufferReads, weights: false,
    });
  }
  if (c.hardware.weightBits > 64) {
    memories.push({
      name: `${name}.weights`, depth: Math.ceil(c.hardware.weightBits / 16), width: 16, rom: true,
      writes: 0, reads: c.ops.weightReads, usefulReads: c.ops.weightReads, weights: true,
    });
  }
  return {
    name,
    kind: layer.kind.kind,
    memories,
    multipliers: c.hardware.multipliers > 0 ? [{ name: `${name}.mul`, a: 16, b: 16, y: 32, count: c.hardware.multipliers }] : [],
    arith: {
      multiplies: c.ops.multiplies > 0 ? [{ a: w, b: w, y: 2 * w, count: c.ops.multiplies }] : [],
      adds: c.ops.adds > 0 ? [{ width: 2 * w, count: c.ops.adds }] : [],
    },
    features: { one: 1, lanes: Math.max(1, c.hardware.multipliers), width: w },
    activeCycles: cycles,
    generic: true,
  };
}

/** Inventory of one layer. `cycles` is how many cycles one inference keeps it enabled. */
export function layerInventory(layer: NetworkLayer, cycles: number): LayerInventory {
  const name = (layer.plan as { name: string }).name;
  switch (layer.kind.kind) {
    case 'tvscm': return tvscmInventory(name, layer.plan as TvscmPlan, cycles);
    case 'dense': return denseInventory(name, layer.plan as DensePlan, cycles);
    case 'activation': return activationInventory(name, layer.plan as ActivationPlan, cycles);
    case 'argmax': return argmaxInventory(name, layer.plan as ArgmaxPlan, cycles);
    case 'fft': return fftInventory(name, layer.plan as FftLayerPlan, cycles);
    case 'circulant': {
      const p = layer.plan as CirculantPlan;
      if (p.core.arch === 'folded') return foldedCoreInventory(name, 'circulant', p.core, p.yWidth, cycles);
      return streamInventory(name, 'circulant', p.core, p.yWidth, cycles);
    }
    case 'diag-circulant': {
      const p = layer.plan as DiagCirculantPlan;
      if (p.core.arch === 'folded') return foldedCoreInventory(name, 'diag-circulant', p.core, p.yWidth, cycles, p);
      return streamInventory(name, 'diag-circulant', p.core, p.yWidth, cycles, p);
    }
    case 'block-circulant': return bcircInventory(name, layer.plan as BlockCirculantPlan, cycles);
    default: return genericInventory(layer, name, cycles);
  }
}

/**
 * The stream_link after a layer (rtl-templates/stream_link.v): DEPTH beats of
 * LANES*W + LANE_W + 1 bits (data, index of the last kept lane, last). With
 * one lane the lane index is the constant 0 and yosys drops it, so the
 * memory is W + 1 bits wide.
 */
export function linkInventory(layer: NetworkLayer, k: number): LayerInventory {
  const io = layer.rtl.io;
  const laneW = bitsFor(io.outLanes - 1);
  const width = io.outLanes * io.outWidth + (io.outLanes > 1 ? laneW : 0) + 1;
  const addrW = bitsFor(io.outBeats - 1);
  return {
    name: `link${k}`,
    kind: 'stream_link',
    memories: [{
      name: `link${k}.mem`, depth: io.outBeats, width, rom: false,
      writes: io.outBeats, reads: io.outBeats, usefulReads: io.outBeats, weights: false,
    }],
    multipliers: [],
    arith: { multiplies: [], adds: [{ width: addrW, count: 3 * io.outBeats }] },
    features: {
      one: 1,
      // pointers and count
      ptr: 3 * addrW + 1,
      // the lane select on m_data (W bits, LANES:1) and the lane counter
      lanemux: io.outLanes > 1 ? io.outWidth * (io.outLanes - 1) + laneW : 0,
      // the gate in front of the next layer counts its input beats
      gate: bitsFor(io.inBeats),
      entry: width,
    },
    activeCycles: io.outBeats * io.outLanes,
    generic: false,
  };
}

export interface DesignInventory {
  layers: LayerInventory[];
  /** stream_links and the network's vector gates (networks only) */
  links: LayerInventory[];
  /** the board top around the design (src/network/board.ts), when asked for */
  board?: LayerInventory;
  isNetwork: boolean;
  /** cycles of one inference: first input to last output */
  latency: number;
  /** width and count of the design's input and output beats (the board bridge is sized by these) */
  io: { inBits: number; inBeats: number; outLanes: number; outWidth: number };
}

/**
 * The board top (src/network/board.ts) as inventory: circa_proto_top
 * (src/network/proto-top.ts), framed commands, the input vector in
 * proto_in_buf (inBeats x inLanes*inWidth RAM), the output vector in
 * proto_out_buf (outBeats x outLanes*(outWidth+1) RAM: lanes and keep mask; a
 * network's keep is the constant 1, dropped). Its logic (UART, parser,
 * counters) is a fitted function of the I/O widths.
 */
export function boardInventory(io: DesignInventory['io'] & { outBeats: number; constKeep: boolean }): LayerInventory {
  const memories: MemoryUse[] = [
    { name: 'board.in_buf', depth: io.inBeats, width: io.inBits, rom: false, writes: io.inBeats, reads: io.inBeats, usefulReads: io.inBeats, weights: false },
    {
      name: 'board.out_buf', depth: io.outBeats, width: io.outLanes * io.outWidth + (io.constKeep ? 0 : io.outLanes), rom: false,
      writes: io.outBeats, reads: io.outBeats, usefulReads: io.outBeats, weights: false,
    },
  ];
  // proto_ctrl sizes an answer as `values * OUT_BYTES` (16 bits): yosys turns a
  // power-of-two constant into a shift and maps any other onto a multiplier
  const outBytes = Math.ceil(io.outWidth / 8);
  const multipliers: MultiplierSpec[] = (outBytes & (outBytes - 1)) !== 0
    ? [{ name: 'board.out_len', a: 16, b: bitsFor(outBytes >> Math.log2(outBytes & -outBytes)), y: 16, count: 1 }]
    : [];
  return {
    name: 'board (protocol top)',
    kind: 'board',
    memories,
    multipliers,
    arith: { multiplies: [], adds: [] },
    features: {
      one: 1,
      inBits: io.inBits,
      outBits: io.outLanes * io.outWidth,
      inBeats: Math.ceil(Math.log2(io.inBeats + 1)),
      outBeats: Math.ceil(Math.log2(io.outBeats + 1)),
    },
    activeCycles: 0,
    generic: false,
  };
}

/**
 * The inventory of a design. Memories with read ports held open by the clock
 * enable are read on every cycle of the inference (`latency` cycles).
 * `board` adds the board top.
 */
export function designInventory(net: NetworkPlan, isNetwork: boolean, latency: number, board = false): DesignInventory {
  const layers = net.layers.map((l) => layerInventory(l, latency));
  const links = isNetwork ? net.layers.map((l, k) => linkInventory(l, k)) : [];
  const single = net.layers[0].rtl.io;
  const io = isNetwork
    ? { inBits: net.inWidth, inBeats: net.inputs, outLanes: 1, outWidth: net.outWidth }
    : { inBits: single.inLanes * single.inWidth, inBeats: single.inBeats, outLanes: single.outLanes, outWidth: single.outWidth };
  const outBeats = isNetwork ? net.outputs : single.outBeats;
  const inv: DesignInventory = { layers, links, isNetwork, latency, io };
  // a network top drives m_keep with the constant 1; yosys drops the constant column
  if (board) inv.board = boardInventory({ ...io, outBeats, constKeep: isNetwork });
  return inv;
}

/** All memories of an inventory. */
export function allMemories(inv: DesignInventory): MemoryUse[] {
  return [...inv.layers, ...inv.links].flatMap((l) => l.memories);
}

/** Bits of weight storage (ROMs and weight registers are counted by the cost faces; this is ROM bits). */
export function romBits(inv: DesignInventory): number {
  return sumOf(allMemories(inv).filter((m) => m.weights).map((m) => m.depth * m.width));
}
