/**
 * Randomized co-simulation of every layer kind (issue 16): random small
 * configurations drawn from a printed seed, generated, simulated in Verilator
 * and compared by src/sim/cosim.ts, value for value, with the overflow flag
 * and with every vector's cycles equal to the cost face's prediction.
 *
 * One Verilator build per kind and run, not one per configuration: the
 * configurations' own generated tops sit side by side under a small wrapper
 * (circa_multi_top, written below) that passes the stream to the one a
 * selection file names and holds the others idle. The wrapper is
 * combinational (no register between the harness and a layer), so each
 * layer's cycles are its own; its stream ports are as wide as the widest
 * layer's, narrower lanes are sign-extended and lanes a layer lacks are
 * never kept. The selection is read at time 0 with $fscanf, so the same
 * binary (cached by content hash) runs every configuration.
 *
 * The seed: CIRCA_SEED when set, else one drawn from the clock; it is
 * printed, and `CIRCA_SEED=<n> npm test` draws the same configurations.
 */
import { NO_OPT_FLAGS } from '../src/sim/verilator.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { CircaInputError } from '../src/errors.ts';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import { cosim, formatMismatch, type DesignUnderTest } from '../src/sim/cosim.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import type { LayerRtl } from '../src/layers/types.ts';
import type { SourceFile } from '../src/verilog/index.ts';

/** The run's seed: CIRCA_SEED, or one from the clock (printed by every test that uses it). */
export function runSeed(): number {
  const env = process.env.CIRCA_SEED;
  if (env !== undefined && env !== '') {
    if (!/^\d+$/.test(env) || Number(env) > 2 ** 31 - 1) throw new Error(`CIRCA_SEED must be an integer in 0..${2 ** 31 - 1}, got ${env}`);
    return Number(env);
  }
  return Date.now() % 2 ** 31;
}

export type Rng = { int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T; bool(): boolean };

export function rng(seed: number): Rng {
  const g = xoroshiro128plus(seed);
  const int = (lo: number, hi: number) => uniformInt(g, lo, hi);
  return { int, pick: (xs) => xs[int(0, xs.length - 1)], bool: () => int(0, 1) === 1 };
}

const ROUND = ['truncate', 'half-up', 'convergent'] as const;
const OVF = ['saturate', 'wrap'] as const;
/** sizes with odd and prime ones over-represented */
const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 19, 23];
const fmt = (r: Rng, minW: number, maxW: number) => {
  const w = r.int(minW, maxW);
  const int = r.int(0, Math.min(3, w - 2));
  return { int, frac: w - 1 - int };
};
const out = (r: Rng, minW = 4, maxW = 10) => ({ format: fmt(r, minW, maxW), rounding: r.pick(ROUND), overflow: r.pick(OVF) });
const fftOpts = (r: Rng, folded: boolean) => ({
  dataWidth: r.int(12, 16), twiddleWidth: r.int(8, 14), multipliers: r.pick([3, 4]), rounding: r.pick(ROUND),
  ...(folded ? { architecture: 'folded', butterflies: r.pick([1, 2]) } : {}),
});

/**
 * A random spec of each kind: the fields that change the hardware (sizes,
 * lanes, formats, rounding, overflow, activations, placements, block sizes,
 * FFT architecture, input buffers, TVSCM and dense input beat width). `deep` widens the ranges a little.
 */
export const GENERATORS: Record<string, (r: Rng, name: string, deep: boolean) => Record<string, unknown>> = {
  tvscm: (r, name, deep) => {
    const n = r.pick(deep ? [...SIZES.filter((s) => s >= 3), 29, 31, 37] : SIZES.filter((s) => s >= 3));
    const maxR = Math.floor((n - 1) / 2);
    const lanes = r.int(1, Math.min(n, 4));
    return {
      kind: 'tvscm', name, n, lanes,
      // one or two input buffers; elements per input beat: a divisor of lanes
      buffers: r.int(1, 2), beat: r.pick(Array.from({ length: lanes }, (_, i) => i + 1).filter((d) => lanes % d === 0)),
      placement: maxR >= 1 && r.bool() ? { type: 'band', radius: r.int(1, Math.min(maxR, 3)) } : { type: 'complement' },
      weights: { format: { int: 1, frac: r.int(3, 6) }, a: r.pick([0.5, 0.75, -0.25, -1, 1.5]), b: r.pick([-0.25, 0.125, 0.0625, -0.5, 1]) },
      input: fmt(r, 4, 10),
      output: { ...out(r, 4, 10), relu: r.bool() },
    };
  },
  dense: (r, name, deep) => {
    const outputs = r.pick(SIZES.filter((s) => s <= (deep ? 17 : 9)));
    const inputs = r.pick(SIZES.filter((s) => s <= (deep ? 23 : 13)));
    const wideBeats = [2, 3, 4].filter((d) => inputs % d === 0);
    return {
      kind: 'dense', name, inputs, outputs, lanes: r.int(1, Math.min(4, outputs)),
      // elements per input beat: a divisor 2..4 of inputs half the time when there is one, else 1
      beat: wideBeats.length && r.bool() ? r.pick(wideBeats) : 1,
      input: fmt(r, 4, 10),
      weights: { format: fmt(r, 4, 9), init: 'random', seed: r.int(0, 1000), scale: r.pick([0.25, 1, 4]) },
      activation: r.pick(['identity', 'relu', 'hardtanh']),
      output: out(r),
      memory: r.pick(['auto', 'ebr']),
      buffers: r.int(1, 2),
    };
  },
  activation: (r, name) => ({
    kind: 'activation', name, n: r.pick(SIZES), function: r.pick(['identity', 'relu', 'hardtanh']), input: fmt(r, 2, 14), output: out(r, 2, 12),
  }),
  circulant: (r, name, deep) => {
    const folded = r.int(0, 3) === 0;
    const max = deep ? 16 : 9;
    return {
      kind: 'circulant', name, inputs: r.int(2, max), outputs: r.int(1, max), input: fmt(r, 4, 9),
      signs: r.bool() ? { seed: r.int(0, 100) } : false,
      weights: { init: 'random', seed: r.int(0, 1000) }, fft: fftOpts(r, folded),
      activation: r.pick(['identity', 'relu']), output: out(r, 4, 9),
    };
  },
  'diag-circulant': (r, name, deep) => {
    const folded = r.int(0, 3) === 0;
    const max = deep ? 16 : 9;
    return {
      kind: 'diag-circulant', name, inputs: r.int(2, max), outputs: r.int(1, max), input: fmt(r, 4, 9),
      weights: { init: 'random', seed: r.int(0, 1000) }, fft: fftOpts(r, folded),
      activation: r.pick(['identity', 'relu']), output: out(r, 4, 9),
    };
  },
  'block-circulant': (r, name, deep) => {
    const blockSize = deep ? r.pick([4, 8, 16]) : r.pick([4, 8]);
    const p = r.int(1, 2);
    return {
      kind: 'block-circulant', name, blockSize, inputs: r.int(1, blockSize * (deep ? 3 : 2)), outputs: r.int(1, blockSize * p),
      macs: r.int(1, p), input: fmt(r, 4, 9), weights: { init: 'random', seed: r.int(0, 1000) },
      fft: fftOpts(r, false), activation: r.pick(['identity', 'relu']), output: out(r, 4, 9),
    };
  },
  fft: (r, name, deep) => {
    const folded = r.int(0, 3) === 0;
    const n = folded ? 16 : r.pick(deep ? [4, 8, 16, 32] : [4, 8, 16]);
    const stages = Math.log2(n);
    return {
      kind: 'fft', name, n, dataWidth: r.int(6, 14), twiddleWidth: r.int(6, 14), multipliers: r.pick([3, 4]),
      inverse: r.bool(), naturalOrder: r.bool(),
      scaling: r.pick(['unit', 'none', Array.from({ length: stages }, () => r.int(0, 1))]),
      rounding: r.pick(ROUND), overflow: r.pick(OVF),
      ...(folded ? { architecture: 'folded', butterflies: r.pick([1, 2]) } : {}),
    };
  },
  conv2d: (r, name, deep) => {
    // small images (the line buffer's wrap, rows no window reads, stride over the kernel, same padding at the edges)
    const kernel = r.int(1, deep ? 4 : 3);
    const padding = r.pick(['valid', 'same']);
    const min = padding === 'valid' ? kernel : 1;
    // block-circulant a third of the time: k x k blocks over (outChannels, channels), lanes dividing k or a multiple of it
    const circ = r.int(0, 2) === 0;
    const k = circ ? r.int(2, deep ? 4 : 3) : 1;
    const channels = circ ? k * r.int(1, 2) : r.int(1, 3);
    const outChannels = circ ? k * r.int(1, 2) : r.int(1, deep ? 5 : 4);
    const lanes = r.pick(Array.from({ length: outChannels }, (_, i) => i + 1).filter((l) => k % l === 0 || l % k === 0));
    return {
      kind: 'conv2d', name, height: r.int(min, deep ? 9 : 6), width: r.int(min, deep ? 9 : 6), channels, outChannels,
      kernel, stride: r.int(1, 3), padding, bias: r.int(0, 3) > 0, lanes,
      ...(circ ? { structure: 'block-circulant', blockSize: k } : {}),
      beat: r.pick(Array.from({ length: channels }, (_, i) => i + 1).filter((d) => channels % d === 0)),
      input: fmt(r, 4, 9),
      weights: { format: fmt(r, 4, 8), init: 'random', seed: r.int(0, 1000), scale: r.pick([0.25, 1]) },
      activation: r.pick(['identity', 'relu', 'hardtanh']),
      output: out(r),
      // spram: the simulation model preloaded with the words the host loads (a word of at most 32 bits, else drawn again)
      memory: r.pick(['auto', 'ebr', 'spram']),
    };
  },
  conv1d: (r, name, deep) => {
    const kernel = r.int(1, 5);
    const padding = r.pick(['valid', 'same']);
    const circ = r.int(0, 2) === 0;
    const k = circ ? r.int(2, 3) : 1;
    const channels = circ ? k * r.int(1, 2) : r.int(1, 3);
    const outChannels = circ ? k * r.int(1, 2) : r.int(1, 4);
    return {
      kind: 'conv1d', name, length: r.int(padding === 'valid' ? kernel : 1, deep ? 23 : 13), channels, outChannels,
      kernel, stride: r.int(1, 3), padding, bias: r.bool(),
      lanes: r.pick(Array.from({ length: outChannels }, (_, i) => i + 1).filter((l) => k % l === 0 || l % k === 0)),
      ...(circ ? { structure: 'block-circulant', blockSize: k, memory: r.pick(['auto', 'spram']) } : {}),
      beat: r.pick(Array.from({ length: channels }, (_, i) => i + 1).filter((d) => channels % d === 0)),
      input: fmt(r, 4, 9),
      weights: { format: fmt(r, 4, 8), init: 'random', seed: r.int(0, 1000), scale: r.pick([0.25, 1]) },
      activation: r.pick(['identity', 'relu', 'hardtanh']),
      output: out(r),
    };
  },
  pool: (r, name, deep) => {
    const op = r.pick(['max', 'average']);
    const window = op === 'average' ? r.pick([1, 2, 2, 4]) : r.int(1, 3);
    const channels = r.int(1, 3);
    return {
      kind: 'pool', name, height: r.int(window, deep ? 9 : 6), width: r.int(window, deep ? 9 : 6), channels, op, window, stride: r.int(1, 3),
      beat: r.pick(Array.from({ length: channels }, (_, i) => i + 1).filter((d) => channels % d === 0)),
      input: fmt(r, 4, 9),
      output: { ...out(r), ...(r.bool() ? { format: undefined } : {}) },
    };
  },
};

export const KINDS = Object.keys(GENERATORS);

/**
 * `count` valid configurations of `kind` from `seed`. A draw the kind's plan
 * rejects (a format too narrow for its FFT, say) is drawn again; the number
 * of such draws is reported.
 */
export function drawConfigs(kind: string, count: number, seed: number, deep = false): { layers: LoadedLayer[]; specs: Record<string, unknown>[]; rejected: number } {
  const r = rng(seed);
  const layers: LoadedLayer[] = [];
  const specs: Record<string, unknown>[] = [];
  let rejected = 0;
  while (layers.length < count) {
    const spec = GENERATORS[kind](r, `r_${kind.replace(/-/g, '_')}_${layers.length}`, deep);
    try {
      layers.push(loadLayerSpec(spec));
      specs.push(spec);
    } catch (e) {
      if (!(e instanceof CircaInputError)) throw e;
      if (++rejected > 50 * count) throw new Error(`${kind}: ${rejected} draws rejected; the generator's ranges are wrong (last: ${e.message})`);
    }
  }
  return { layers, specs, rejected };
}

/** Make flags for Verilator's build: no C++ optimisation (CIRCA_RANDOM_OPT=1 keeps Verilator's defaults, to compare). */
const FAST_COMPILE: readonly string[] = process.env.CIRCA_RANDOM_OPT === '1' ? [] : NO_OPT_FLAGS;

/** Verilog sign extension of a `from`-bit value to `to` bits (no zero replication, which Verilog-2005 forbids). */
const signExtend = (expr: string, msb: string, from: number, to: number) => (to === from ? expr : `{{${to - from}{${msb}}}, ${expr}}`);

/**
 * One design holding every layer: the union of their sources (a file two
 * layers share, a template, must be the same text) and circa_multi_top,
 * which connects the stream to layer `sel` (read from `selFile`).
 */
export function multiRtl(layers: readonly LoadedLayer[], selFile: string): LayerRtl {
  const rtls = layers.map((l) => l.kind.rtl(l.plan));
  const inL = Math.max(...rtls.map((r) => r.io.inLanes));
  const inW = Math.max(...rtls.map((r) => r.io.inWidth));
  const outL = Math.max(...rtls.map((r) => r.io.outLanes));
  const outW = Math.max(...rtls.map((r) => r.io.outWidth));
  const files = new Map<string, SourceFile>();
  for (const r of rtls) {
    for (const s of r.sources) {
      const had = files.get(s.name);
      if (had && had.text !== s.text) throw new Error(`multiRtl: two layers write different ${s.name}`);
      files.set(s.name, s);
    }
  }
  const v: string[] = [
    '// circa_multi_top: generated by test/random-cosim.ts (randomized co-simulation, issue 16).',
    `// ${layers.length} layers behind one stream (IN ${inL} x ${inW} bits, OUT ${outL} x ${outW} bits);`,
    '// the layer numbered in the selection file gets the stream, the others see',
    '// s_valid = 0 and m_ready = 0. Combinational: cycles are each layer\'s own.',
    'module circa_multi_top (',
    '    input  wire clk,',
    '    input  wire rst,',
    '    input  wire s_valid,',
    '    output reg  s_ready,',
    `    input  wire [${inL * inW - 1}:0] s_data,`,
    '    input  wire s_last,',
    '    output reg  m_valid,',
    '    input  wire m_ready,',
    `    output reg  [${outL * outW - 1}:0] m_data,`,
    `    output reg  [${outL - 1}:0] m_keep,`,
    '    output reg  m_last,',
    '    output reg  ovf',
    ');',
    '    reg [31:0] sel;',
    '    integer fd;',
    '    integer got;',
    '    initial begin',
    '        sel = 32\'d0;',
    `        fd = $fopen("${selFile}", "r");`,
    '        if (fd != 0) begin',
    '            got = $fscanf(fd, "%d", sel);',
    '            $fclose(fd);',
    '        end',
    '    end',
  ];
  rtls.forEach((r, k) => {
    const io = r.io;
    const p = `l${k}_`;
    v.push('', `    // layer ${k}: ${r.top} (${io.inLanes} x ${io.inWidth} in, ${io.outLanes} x ${io.outWidth} out)`);
    v.push(`    wire ${p}s_ready, ${p}m_valid, ${p}m_last, ${p}ovf;`);
    v.push(`    wire [${io.inLanes * io.inWidth - 1}:0] ${p}s_data;`);
    v.push(`    wire [${io.outLanes * io.outWidth - 1}:0] ${p}m_data;`);
    v.push(`    wire [${io.outLanes - 1}:0] ${p}m_keep;`);
    v.push(`    wire [${outL * outW - 1}:0] ${p}m_data_wide;`);
    v.push(`    wire [${outL - 1}:0] ${p}m_keep_wide;`);
    const ins = Array.from({ length: io.inLanes }, (_, l) => `s_data[${l * inW + io.inWidth - 1}:${l * inW}]`).reverse();
    v.push(`    assign ${p}s_data = {${ins.join(', ')}};`);
    const outs = Array.from({ length: outL }, (_, l) =>
      l < io.outLanes
        ? signExtend(`${p}m_data[${l * io.outWidth + io.outWidth - 1}:${l * io.outWidth}]`, `${p}m_data[${l * io.outWidth + io.outWidth - 1}]`, io.outWidth, outW)
        : `${outW}'d0`).reverse();
    v.push(`    assign ${p}m_data_wide = {${outs.join(', ')}};`);
    v.push(`    assign ${p}m_keep_wide = ${io.outLanes === outL ? `${p}m_keep` : `{${outL - io.outLanes}'d0, ${p}m_keep}`};`);
    const extra = r.extraPorts.map((e) => (e.dir === 'input' ? `.${e.name}(${e.width}'d0)` : `.${e.name}()`));
    v.push(`    ${r.top} u_l${k} (`);
    v.push(`        .clk(clk), .rst(rst),${extra.length ? ` ${extra.join(', ')},` : ''}`);
    v.push(`        .s_valid(s_valid && sel == 32'd${k}), .s_ready(${p}s_ready), .s_data(${p}s_data), .s_last(s_last),`);
    v.push(`        .m_valid(${p}m_valid), .m_ready(m_ready && sel == 32'd${k}), .m_data(${p}m_data), .m_keep(${p}m_keep), .m_last(${p}m_last),`);
    v.push(`        .ovf(${p}ovf)`);
    v.push('    );');
  });
  v.push('', '    // the selected layer drives the stream outputs', '    always @(*) begin');
  v.push("        s_ready = 1'b0; m_valid = 1'b0; m_last = 1'b0; ovf = 1'b0;");
  v.push(`        m_data = ${outL * outW}'d0; m_keep = ${outL}'d0;`);
  v.push('        case (sel)');
  rtls.forEach((_, k) => {
    const p = `l${k}_`;
    v.push(`            32'd${k}: begin s_ready = ${p}s_ready; m_valid = ${p}m_valid; m_last = ${p}m_last; ovf = ${p}ovf; m_data = ${p}m_data_wide; m_keep = ${p}m_keep_wide; end`);
  });
  v.push('            default: ;', '        endcase', '    end', 'endmodule', '');
  const top: SourceFile = { name: 'circa_multi_top.v', text: v.join('\n') };
  return {
    sources: [...files.values(), top],
    top: 'circa_multi_top',
    io: { inLanes: inL, inWidth: inW, outLanes: outL, outWidth: outW, inBeats: 0, outBeats: 0 },
    params: {},
    extraPorts: [],
    // these runs are short: compile the C++ without optimisation (the builds dominate)
    verilatorFlags: FAST_COMPILE,
  } as unknown as LayerRtl;
}

export interface KindRun {
  kind: string;
  seed: number;
  configs: number;
  rejected: number;
  vectors: number;
  cycles: number;
  buildSeconds: number;
  seconds: number;
}

/**
 * Draw `count` configurations of `kind`, build them into one Verilator
 * binary, and co-simulate each: under random stalls (values and the overflow
 * flag) and at full rate (values, and every vector's latency and period
 * equal to the prediction). A failure names the seed and the configuration.
 */
export async function randomCosim(kind: string, count: number, seed: number, opts: { deep?: boolean; vectors?: number } = {}): Promise<KindRun> {
  const t0 = Date.now();
  const { layers, specs, rejected } = drawConfigs(kind, count, seed, opts.deep);
  const dir = mkdtempSync(join(tmpdir(), 'circa-random-cosim-'));
  const selFile = join(dir, 'sel');
  const shared = multiRtl(layers, selFile);
  const vectors = opts.vectors ?? 12;
  let cycles = 0;
  let buildSeconds = 0;
  try {
    for (let k = 0; k < layers.length; k++) {
      writeFileSync(selFile, `${k}\n`);
      const own = layerDut(layers[k]);
      const lanes = own.rtl.io.inLanes;
      const dut: DesignUnderTest = {
        ...own,
        rtl: { ...shared, io: { ...shared.io, inBeats: own.rtl.io.inBeats, outBeats: own.rtl.io.outBeats } },
        // the layer's lanes, then zeros for the lanes only a wider layer has
        beats: (x) => Array.from({ length: Math.ceil(x.length / lanes) }, (_, b) => {
          const beat = x.slice(b * lanes, b * lanes + lanes);
          return [...beat, ...new Array<number>(shared.io.inLanes - beat.length).fill(0)];
        }),
      };
      const what = `${kind} seed ${seed}, config ${k} ${JSON.stringify(specs[k])}`;
      const stalled = await cosim(dut, { vectors, seed: seed + k, validPct: 70, readyPct: 60 });
      buildSeconds += stalled.sim.buildSeconds;
      expect(stalled.mismatches.map(formatMismatch), what).toEqual([]);
      expect(stalled.exact, what).toBe(vectors);
      expect(stalled.overflowGot, `${what}: overflow flag`).toBe(stalled.overflowExpected);
      const full = await cosim(dut, { vectors, seed: seed + k + 1 });
      expect(full.mismatches.map(formatMismatch), what).toEqual([]);
      expect(full.overflowGot, `${what}: overflow flag`).toBe(full.overflowExpected);
      // every vector's latency and period checked against the prediction as its stamps arrived (the first few that differ listed)
      expect({ mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }, `${what}: cycles`).toEqual({ mismatches: [], checked: vectors });
      expect(full.cycles.match).toBe(true);
      cycles += stalled.sim.totalCycles + full.sim.totalCycles;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { kind, seed, configs: layers.length, rejected, vectors: 2 * vectors * layers.length, cycles, buildSeconds, seconds: (Date.now() - t0) / 1000 };
}
