/**
 * Calibration of the resource model (src/estimate/resources.ts): measure,
 * fit, check. The measurements and the fitted coefficients are kept in the
 * repository, so `fit` and `check` can be rerun without the tools.
 *
 *   npx tsx bench/estimate-calibrate.ts measure <native|yowasp> [group...]
 *       yosys-only syntheses (synth_ice40, `stat -json`) of
 *         micro    RAMs and ROMs small enough for logic, soft multipliers
 *         link     stream_link and vector_gate over their parameters
 *         layer    every layer kind over lanes, widths and sizes, UP5K (-dsp) and HX
 *         network  the example networks and variants
 *         board    designs with and without the UART board top
 *         spectral the FFT kinds: fft layers over N, widths, 3/4 multipliers,
 *                  scaling and reorder; circulant, diag-circulant and
 *                  block-circulant layers (EBR and SPRAM spectra, lanes);
 *                  UP5K (-dsp) and a subset on HX; and the example networks
 *                  of those kinds (checked, not fitted)
 *         conv     the image kinds: conv2d, conv1d and pool layers over lanes,
 *                  channels, kernels, strides, beats and widths, UP5K (-dsp)
 *                  and a subset on HX; and a LeNet-shaped network (checked,
 *                  not fitted)
 *       and full builds (runFlow: yosys -> nextpnr-ice40 -> icepack) of
 *         build    the examples on icebreaker, mnist-tvscm on hx8k-breakout
 *         cnnbuild the CNNs on icebreaker (examples/ecg-conv1d and the
 *                  trained mnist-cnn, mnist-cnn-bcirc): the image kinds'
 *                  in-network term (feature `net`) is fitted on these and the
 *                  conv group's network (not the packing, which stays the
 *                  build group's). The records kept are the builds the README
 *                  reports, entered with their `source` (ecg-conv1d's carries
 *                  were not kept)
 *       into src/estimate/calibration/<toolchain>.json (replacing the group's records).
 *   npx tsx bench/estimate-calibrate.ts fit [--kinds conv2d,pool]
 *       least-squares fits of every coefficient -> each kind's models into
 *       its folder (src/layers/<kind>/coefficients.ts, the kind's
 *       coefficients face), the rest into the iCE40 target's
 *       (src/target/ice40/coefficients.ts); --kinds: only those kinds' files
 *   npx tsx bench/estimate-calibrate.ts check [group]
 *       predicted vs measured for every record, and the worst errors
 *
 * A fit weighs each record by 1 / measured value, so it minimises relative
 * error, which is what the model promises (LUT and FF within 20%).
 *
 * The FFT kinds are fitted in two steps: the `fft` layers fit the FFT model
 * (features of src/estimate/inventory.ts fftPart); circulant, diag-circulant
 * and block-circulant layers, whose FFT pipelines that model prices, fit
 * their own features on what it leaves, and their emitted model is the sum.
 * On HX (no DSP) the same models are used with one fitted correction per
 * product bit (feature mulY: the product registers and adders an SB_MAC16
 * holds on UltraPlus), fitted on the HX records of all four kinds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { planAny } from '../src/network/plan.ts';
import { designFromPlan, loadDesign, type Design } from '../src/network/design.ts';
import { boardDesign } from '../src/network/board.ts';
import { loadBoard } from '../src/target/ice40/boards.ts';
import { ice40 } from '../src/target/ice40/index.ts';
import { netlistCellCounts, runFlow, type Toolchain } from '../src/flow/index.ts';
import { template, type SourceFile } from '../src/verilog/index.ts';
import { bitsFor } from '../src/layers/formats.ts';
import { designInventory, layerInventory, linkInventory } from '../src/estimate/inventory.ts';
import { coefficientsFor, explicitCost, predictResources, type Coefficients } from '../src/estimate/resources.ts';
import type { FamilyModels, FittedModel, LinearModel, SharedCoefficients } from '../src/target/index.ts';
import { LAYER_KINDS } from '../src/layers/index.ts';
import { kindFileText, sharedFileText, type KindComponent } from './coefficients-text.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DATA_DIR = join(ROOT, 'src/estimate/calibration');
/** The iCE40's coefficients that belong to no kind. */
const SHARED_FILE = join(ROOT, 'src/target/ice40/coefficients.ts');
/** A kind's own: its folder's coefficients face. */
const kindFile = (kind: string) => join(ROOT, 'src/layers', kind, 'coefficients.ts');
/** The fitted components that are no layer kind (Target.coefficients' components). */
const SHARED_COMPONENTS = ['stream_link', 'network', 'board', 'generic'];

interface Cells { lut: number; ff: number; carry: number; dsp: number; ebr: number; spram: number }
interface SynthRecord {
  group: string;
  id: string;
  dev: 'u' | 'hx';
  /** layer or network spec, for layer/network/board records */
  spec?: unknown;
  params?: Record<string, number>;
  /** yosys counts (lut = SB_LUT4) */
  cells: Cells;
  /** board records: the same design synthesised without the board top */
  bare?: Cells;
  /** build records: nextpnr's logic cells and the board */
  lc?: number;
  board?: string;
  /** records entered from a build reported elsewhere: which run (command and commit) */
  source?: string;
  seconds: number;
}
interface DataFile { toolchain: Toolchain; yosys: string; updated: string; records: SynthRecord[] }

/* ------------------------------------------------------------------------ */
/* Measuring                                                                  */
/* ------------------------------------------------------------------------ */

function statCells(statJson: string, top: string): Cells {
  const j = JSON.parse(statJson) as { modules: Record<string, { num_cells_by_type: Record<string, number> }> };
  const m = j.modules[`\\${top}`] ?? Object.values(j.modules)[0];
  const c = m.num_cells_by_type;
  let ff = 0;
  for (const [k, v] of Object.entries(c)) if (k.startsWith('SB_DFF')) ff += v;
  return { lut: c.SB_LUT4 ?? 0, ff, carry: c.SB_CARRY ?? 0, dsp: c.SB_MAC16 ?? 0, ebr: c.SB_RAM40_4K ?? 0, spram: c.SB_SPRAM256KA ?? 0 };
}

/** yosys only: synth_ice40 as src/flow/index.ts runs it, then `stat -json`. */
async function synth(sources: SourceFile[], top: string, dev: 'u' | 'hx', tc: Toolchain): Promise<Cells> {
  const device = dev === 'u' ? '-device u -dsp' : '-device hx';
  const reads = sources.filter((s) => s.name.endsWith('.v')).map((s) => `read_verilog ${s.name}`).join('; ');
  const script = `${reads}; synth_ice40 -top ${top} ${device}; tee -q -o stat.json stat -json`;
  if (tc === 'native') {
    const dir = mkdtempSync(join(tmpdir(), 'circa-cal-'));
    try {
      for (const s of sources) writeFileSync(join(dir, s.name), s.text);
      execFileSync('yosys', ['-q', '-p', script], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 28 });
      return statCells(readFileSync(join(dir, 'stat.json'), 'utf8'), top);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const { runYosys } = await import('@yowasp/yosys');
  const files: Record<string, string> = {};
  for (const s of sources) files[s.name] = s.text;
  const out = (await runYosys(['-q', '-p', script], files, { stdout: null, stderr: null })) as Record<string, string>;
  return statCells(out['stat.json'], top);
}

const q = (w: number) => ({ int: 0, frac: w - 1 });

/** The layer specs of the `layer` group. */
export function layerSpecs(): unknown[] {
  const specs: unknown[] = [];
  const places = [{ type: 'band', radius: 1 }, { type: 'complement' }, { type: 'band', radius: 3 }];
  for (const place of places) {
    for (const P of [1, 2, 4, 8]) {
      for (const w of [8, 12, 16]) {
        if (place.type === 'band' && place.radius === 3 && w !== 8) continue;
        specs.push({
          kind: 'tvscm', name: 't', n: place.type === 'complement' ? 187 : 784, lanes: P, placement: place,
          input: q(w), weights: { a: 0.75, b: -0.3125, format: q(w) }, output: { format: q(w) },
        });
      }
    }
  }
  for (const [n, m] of [[784, 10], [187, 5], [128, 64], [64, 32]]) {
    for (const P of [1, 2, 4]) {
      for (const w of [8, 12, 16]) {
        if (n === 784 && w !== 8 && P !== 2) continue;
        specs.push({
          kind: 'dense', name: 'd', inputs: n, outputs: m, lanes: P, input: q(w),
          weights: { format: q(w), init: 'random', seed: 1 }, output: { format: q(w) }, activation: 'relu',
        });
      }
    }
  }
  for (const w of [8, 12, 16]) {
    for (const n of [10, 784]) {
      specs.push({ kind: 'activation', name: 'a', n, function: 'relu', input: { int: 2, frac: w - 3 }, output: { format: q(w) } });
      specs.push({ kind: 'argmax', name: 'g', n, input: q(w) });
    }
  }
  return specs;
}

/**
 * Layers of the `spectral` group and the devices each is measured on; `only`:
 * measured with that toolchain only (the slow YoWASP runs are kept few: the
 * 88-EBR ROM of bc784e alone takes minutes).
 */
export function spectralSpecs(): { spec: unknown; devs: ('u' | 'hx')[]; only?: Toolchain }[] {
  const q07 = { int: 0, frac: 7 };
  const out = (int: number, frac: number) => ({ format: { int, frac } });
  const both: ('u' | 'hx')[] = ['u', 'hx'];
  const up: ('u' | 'hx')[] = ['u'];
  const fft = (o: Record<string, unknown>, devs = up) => ({ spec: { kind: 'fft', ...o }, devs });
  const dc1 = (exampleSpec('diagcirc-chain') as { layers: unknown[] }).layers[0];
  return [
    fft({ n: 16 }, both),
    fft({ n: 32 }),
    fft({ n: 64 }, both),
    fft({ n: 64, dataWidth: 12, twiddleWidth: 12, multipliers: 3 }, both),
    fft({ n: 64, naturalOrder: true }),
    fft({ n: 64, scaling: 'none' }),
    fft({ n: 128, inverse: true }),
    fft({ n: 256 }),
    fft({ n: 256, dataWidth: 12, twiddleWidth: 14, multipliers: 3, scaling: 'none' }),
    fft({ n: 1024, dataWidth: 10, twiddleWidth: 10 }),
    { spec: exampleSpec('circulant-256'), devs: up },
    { spec: { kind: 'circulant', name: 'c64', inputs: 64, outputs: 64, input: q07, weights: { seed: 2, spectrumWidth: 12 }, output: out(2, 5) }, devs: up },
    { spec: { kind: 'circulant', name: 'c64', inputs: 64, outputs: 64, input: q07, weights: { seed: 2, spectrumWidth: 12 }, output: out(2, 5) }, devs: ['hx'], only: 'native' },
    { spec: { kind: 'circulant', name: 'c100', inputs: 100, outputs: 50, input: q07, fft: { dataWidth: 14, twiddleWidth: 12 }, output: out(2, 5), activation: 'relu' }, devs: up },
    { spec: { kind: 'circulant', name: 'c16', inputs: 16, outputs: 16, input: q07, fft: { dataWidth: 12, twiddleWidth: 12, multipliers: 3 }, output: out(2, 5) }, devs: up },
    { spec: dc1, devs: up },
    { spec: { kind: 'diag-circulant', name: 'd64', inputs: 64, outputs: 32, input: q07, weights: { init: 'random', seed: 3 }, output: out(1, 6) }, devs: up },
    { spec: { kind: 'diag-circulant', name: 'd64', inputs: 64, outputs: 32, input: q07, weights: { init: 'random', seed: 3 }, output: out(1, 6) }, devs: ['hx'], only: 'native' },
    { spec: { kind: 'diag-circulant', name: 'd32', inputs: 32, outputs: 32, input: q07, weights: { init: 'random', seed: 4 }, fft: { multipliers: 3 }, output: out(2, 5) }, devs: up },
    { spec: exampleSpec('blockcirc-784'), devs: both },
    { spec: { kind: 'block-circulant', name: 'b256', inputs: 256, outputs: 128, blockSize: 16, macs: 2, input: q07, output: out(2, 5), memory: 'ebr' }, devs: up },
    { spec: { kind: 'block-circulant', name: 'b64', inputs: 64, outputs: 64, blockSize: 8, macs: 1, input: q07, output: out(2, 5), memory: 'ebr' }, devs: both },
    { spec: { kind: 'block-circulant', name: 'b32k', inputs: 256, outputs: 256, blockSize: 32, macs: 2, input: q07, output: out(2, 5), memory: 'spram' }, devs: up },
    {
      spec: { kind: 'block-circulant', name: 'b3', inputs: 120, outputs: 90, blockSize: 16, macs: 3, input: q07, weights: { seed: 5, spectrumWidth: 12 }, output: out(2, 5), memory: 'ebr' },
      devs: up,
    },
    { spec: { ...(exampleSpec('blockcirc-784') as object), name: 'bc784e', memory: 'ebr' }, devs: up, only: 'native' },
    // networks: checked, not fitted
    { spec: exampleSpec('diagcirc-chain'), devs: up, only: 'native' },
    { spec: exampleSpec('mnist-blockcirc'), devs: up },
  ];
}

/**
 * Layers of the `conv` group (the image kinds) and the devices each is
 * measured on; a network at the end is checked, not fitted.
 */
export function convSpecs(): { spec: unknown; devs: ('u' | 'hx')[] }[] {
  const both: ('u' | 'hx')[] = ['u', 'hx'];
  const up: ('u' | 'hx')[] = ['u'];
  const f = (w: number, int = 0) => ({ int, frac: w - 1 - int });
  const conv = (name: string, h: number, w: number, c: number, m: number, k: number, o: Record<string, unknown>, devs = up) => ({
    spec: {
      kind: 'conv2d', name, height: h, width: w, channels: c, outChannels: m, kernel: k, activation: 'relu',
      weights: { init: 'random', seed: 1 }, output: { format: f(8, 2) }, ...o,
    },
    devs,
  });
  const conv1 = (name: string, n: number, c: number, m: number, k: number, o: Record<string, unknown>, devs = up) => ({
    spec: { kind: 'conv1d', name, length: n, channels: c, outChannels: m, kernel: k, activation: 'relu', weights: { init: 'random', seed: 2 }, output: { format: f(8, 1) }, ...o },
    devs,
  });
  const pool = (name: string, h: number, w: number, c: number, op: string, window: number, o: Record<string, unknown>, devs = up) => ({
    spec: { kind: 'pool', name, height: h, width: w, channels: c, op, window, input: f(8, 1), ...o },
    devs,
  });
  return [
    conv('c1', 28, 28, 1, 8, 5, { lanes: 2 }, both),
    conv('c1', 28, 28, 1, 8, 5, { lanes: 1 }),
    conv('c1', 28, 28, 1, 8, 5, { lanes: 4 }),
    conv('c1', 28, 28, 1, 4, 3, { lanes: 4, padding: 'same', memory: 'ebr' }),
    conv('c2', 12, 12, 8, 16, 5, { lanes: 2, input: f(8, 1) }, both),
    conv('c2', 12, 12, 8, 16, 5, { lanes: 4, beat: 2, input: f(8, 1) }),
    conv('c3', 12, 12, 4, 8, 3, { lanes: 8, padding: 'same', input: f(8, 1) }),
    conv('c4', 10, 10, 2, 4, 3, { lanes: 1, stride: 2, input: f(12, 1), weights: { init: 'random', seed: 3, format: f(12) }, output: { format: f(12, 2) } }, both),
    conv('c5', 14, 14, 4, 8, 3, { lanes: 2, input: f(16, 1), weights: { init: 'random', seed: 4, format: f(16) }, output: { format: f(16, 2) } }),
    conv('c6', 8, 8, 16, 32, 3, { lanes: 8, beat: 4, input: f(8, 1) }),
    conv1('e1', 187, 1, 4, 5, { lanes: 4, stride: 2, padding: 'same' }, both),
    conv1('e2', 47, 4, 8, 3, { lanes: 4, stride: 2, padding: 'same', input: f(8, 1) }),
    conv1('e3', 128, 8, 16, 5, { lanes: 2, beat: 4, input: f(8, 1) }),
    pool('p1', 24, 24, 8, 'max', 2, {}, both),
    pool('p1', 24, 24, 8, 'max', 2, { beat: 2 }),
    pool('p2', 8, 8, 16, 'average', 2, { beat: 4 }, both),
    pool('p3', 1, 94, 4, 'max', 2, {}),
    pool('p4', 12, 12, 4, 'max', 3, { beat: 1 }),
    pool('p5', 24, 24, 4, 'average', 2, { beat: 1, input: f(12, 1) }),
    // a network: checked, not fitted
    { spec: lenetSpec(), devs: up },
  ];
}

/** A LeNet-shaped network (conv, max pool, conv, max pool, dense, argmax) on 28 x 28 images. */
export function lenetSpec(): unknown {
  const f = { int: 1, frac: 6 };
  return {
    network: 'lenet', schedule: 'sequential',
    layers: [
      { kind: 'conv2d', name: 'c1', height: 28, width: 28, channels: 1, outChannels: 4, kernel: 5, lanes: 2, activation: 'relu', weights: { init: 'random', seed: 1 }, output: { format: f } },
      { kind: 'pool', name: 'p1', height: 24, width: 24, channels: 4, op: 'max', window: 2, beat: 2, input: f },
      { kind: 'conv2d', name: 'c2', height: 12, width: 12, channels: 4, outChannels: 8, kernel: 5, lanes: 2, beat: 2, activation: 'relu', input: f, weights: { init: 'random', seed: 2 }, output: { format: f } },
      { kind: 'pool', name: 'p2', height: 8, width: 8, channels: 8, op: 'max', window: 2, beat: 2, input: f },
      { kind: 'dense', name: 'fc', inputs: 128, outputs: 10, lanes: 2, input: f, weights: { init: 'random', seed: 3 } },
      { kind: 'argmax', name: 'am', n: 10 },
    ],
  };
}

/** The kinds of the spectral group and the features of their own models (inventory.ts). */
const FFT_FEATURES = ['fft', 'bfBits', 'bfRound', 'ffDelay', 'ramDelay', 'twBits', 'outBuf'];
const SPECTRAL_FEATURES: Record<string, string[]> = {
  circulant: ['one', 'core', 'diag'],
  'block-circulant': ['one', 'lane', 'collect'],
};

function exampleSpec(name: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, 'examples', `${name}.json`), 'utf8'));
}

/** Networks of the `network` group: the examples (those yosys can hold) and width/lane variants. */
function networkSpecs(): unknown[] {
  const specs: unknown[] = [exampleSpec('mnist-tvscm'), exampleSpec('mitbih-tvscm'), exampleSpec('mitbih-dense')];
  const base = exampleSpec('mitbih-tvscm') as { layers: Record<string, unknown>[] };
  for (const lanes of [2, 4]) {
    specs.push({ ...base, network: `mitbih_tvscm_p${lanes}`, layers: base.layers.map((l, i) => (i === 0 ? { ...l, lanes } : l)) });
  }
  return specs;
}

function labelOf(spec: unknown): string {
  const s = spec as Record<string, any>;
  if ('layers' in s) return `net ${s.network}`;
  if (s.kind === 'tvscm') return `tvscm ${s.placement.type}${s.placement.radius ?? ''} n${s.n} P${s.lanes} w${1 + s.input.int + s.input.frac}`;
  if (s.kind === 'dense') return `dense ${s.inputs}x${s.outputs} P${s.lanes} w${1 + s.input.int + s.input.frac}`;
  if (s.kind === 'fft') {
    return `fft n${s.n}${s.inverse ? ' inv' : ''} w${s.dataWidth ?? 16}/${s.twiddleWidth ?? 16} m${s.multipliers ?? 4}` +
      `${s.scaling ? ` ${s.scaling}` : ''}${s.naturalOrder ? ' nat' : ''}`;
  }
  if (s.kind === 'block-circulant') return `bcirc ${s.name} ${s.inputs}x${s.outputs} k${s.blockSize} P${s.macs} ${s.memory}`;
  if (s.kind === 'circulant' || s.kind === 'diag-circulant') return `${s.kind} ${s.name} ${s.inputs}x${s.outputs}`;
  if (s.kind === 'conv2d' || s.kind === 'conv1d') {
    const size = s.kind === 'conv1d' ? `${s.length}x${s.channels}` : `${s.height}x${s.width}x${s.channels}`;
    return `${s.kind} ${s.name} ${size}->${s.outChannels} k${s.kernel}${s.stride ? ` s${s.stride}` : ''} P${s.lanes ?? 1}${s.beat ? ` b${s.beat}` : ''}` +
      ` w${1 + (s.input?.int ?? 0) + (s.input?.frac ?? 7)}${s.padding === 'same' ? ' same' : ''}${s.memory ? ` ${s.memory}` : ''}`;
  }
  if (s.kind === 'pool') {
    return `pool ${s.name} ${s.height}x${s.width}x${s.channels} ${s.op} ${s.window}${s.beat ? ` b${s.beat}` : ''} w${1 + s.input.int + s.input.frac}`;
  }
  return `${s.kind} n${s.n} w${1 + s.input.int + s.input.frac}`;
}

function designOf(spec: unknown): Design {
  return designFromPlan(planAny(spec), typeof spec === 'object' && spec !== null && 'layers' in spec);
}

let lcgSeed = 12345;
const rnd = () => (lcgSeed = (lcgSeed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;

function microSources(): { id: string; params: Record<string, number>; src: string; devs: ('u' | 'hx')[] }[] {
  const out: { id: string; params: Record<string, number>; src: string; devs: ('u' | 'hx')[] }[] = [];
  for (const [D, W] of [[2, 8], [4, 8], [6, 8], [8, 4], [4, 16], [2, 32], [3, 18], [5, 10], [1, 35]]) {
    const A = Math.max(1, Math.ceil(Math.log2(D)));
    out.push({
      id: `ram ${D}x${W}`, params: { ram: 1, D, W }, devs: ['u'],
      src: `module top(input clk, input we, input [${A - 1}:0] wa, input [${W - 1}:0] wd, input re, input [${A - 1}:0] ra, output reg [${W - 1}:0] q);
  reg [${W - 1}:0] mem [0:${D - 1}];
  always @(posedge clk) if (we) mem[wa] <= wd;
  always @(posedge clk) if (re) q <= mem[ra];
endmodule`,
    });
  }
  lcgSeed = 12345;
  for (const [D, W] of [[2, 8], [5, 16], [10, 16], [16, 8], [20, 32], [40, 16], [64, 16], [100, 8], [5, 32], [10, 8]]) {
    const A = Math.max(1, Math.ceil(Math.log2(D)));
    const init = Array.from({ length: D }, (_, i) =>
      `    rom[${i}] = ${W}'h${Array.from({ length: Math.ceil(W / 4) }, () => Math.floor(rnd() * 16).toString(16)).join('')};`).join('\n');
    out.push({
      id: `rom ${D}x${W}`, params: { rom: 1, D, W }, devs: ['u'],
      src: `module top(input clk, input en, input [${A - 1}:0] a, output reg [${W - 1}:0] q);
  reg [${W - 1}:0] rom [0:${D - 1}];
  initial begin
${init}
  end
  always @(posedge clk) if (en) q <= rom[a];
endmodule`,
    });
  }
  for (const [a, b] of [[4, 4], [5, 5], [8, 8], [8, 9], [12, 12], [12, 13], [16, 16], [16, 17], [8, 16], [9, 18]]) {
    out.push({
      id: `mul ${a}x${b}`, params: { mul: 1, a, b }, devs: ['hx', 'u'],
      src: `module top(input clk, input signed [${a - 1}:0] x, input signed [${b - 1}:0] y, output reg signed [${a + b - 1}:0] p);
  reg signed [${a - 1}:0] xr; reg signed [${b - 1}:0] yr;
  always @(posedge clk) begin xr <= x; yr <= y; p <= xr * yr; end
endmodule`,
    });
  }
  return out;
}

function linkSources(): { id: string; params: Record<string, number>; sources: SourceFile[] }[] {
  const out: { id: string; params: Record<string, number>; sources: SourceFile[] }[] = [];
  for (const [L, W, D] of [[1, 8, 1], [2, 8, 1], [2, 9, 1], [1, 8, 5], [2, 8, 5], [1, 8, 784], [2, 8, 392], [4, 8, 196], [4, 8, 32], [1, 16, 784], [2, 16, 98], [8, 8, 98], [1, 12, 187], [4, 12, 10]]) {
    const top = `module top(input clk, input rst, input s_valid, output s_ready, input [${L * W - 1}:0] s_data, input [${L - 1}:0] s_keep, input s_last, output m_valid, input m_ready, output [${W - 1}:0] m_data, output m_last, output empty);
  stream_link #(.LANES(${L}), .W(${W}), .DEPTH(${D}), .ADDR_W(${bitsFor(D - 1)}), .LANE_W(${bitsFor(L - 1)})) u (.clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready), .s_data(s_data), .s_keep(s_keep), .s_last(s_last), .m_valid(m_valid), .m_ready(m_ready), .m_data(m_data), .m_last(m_last), .empty(empty));
endmodule`;
    out.push({ id: `link L${L} W${W} D${D}`, params: { link: 1, L, W, D }, sources: [template('stream_link.v'), { name: 'top.v', text: top }] });
  }
  for (const N of [2, 5, 10, 128, 187, 784, 1000]) {
    const top = `module top(input clk, input rst, input start_ok, input up_valid, output up_ready, output dn_valid, input dn_ready, output active);
  vector_gate #(.N(${N}), .CNT_W(${bitsFor(N)})) u (.clk(clk), .rst(rst), .start_ok(start_ok), .up_valid(up_valid), .up_ready(up_ready), .dn_valid(dn_valid), .dn_ready(dn_ready), .active(active));
endmodule`;
    out.push({ id: `gate N${N}`, params: { gate: 1, N }, sources: [template('vector_gate.v'), { name: 'top.v', text: top }] });
  }
  return out;
}

/** Designs of the `board` group: the bridge is measured as (with board top) - (without). */
function boardSpecs(): unknown[] {
  const specs = layerSpecs().filter((s) => {
    const x = s as Record<string, any>;
    return (x.kind === 'tvscm' && x.placement.type === 'band' && x.placement.radius === 1 && [1, 4].includes(x.lanes))
      || (x.kind === 'dense' && x.inputs === 187 && x.lanes === 1)
      || (x.kind === 'argmax' && x.n === 10);
  });
  return [...specs, exampleSpec('mitbih-tvscm')];
}

/** Builds of the `build` group: [spec name, board]. */
const BUILDS: [string, string][] = [
  ['tvscm-784', 'icebreaker'],
  ['mitbih-tvscm', 'icebreaker'],
  ['mnist-tvscm', 'icebreaker'],
  ['mnist-tvscm', 'hx8k-breakout'],
  ['tvscm-784', 'hx8k-breakout'],
];

/** Builds of the `cnnbuild` group: [spec path under the repository, board]. */
const CNN_BUILDS: [string, string][] = [
  ['examples/ecg-conv1d.json', 'icebreaker'],
  ['examples/trained/mnist-cnn.json', 'icebreaker'],
  ['examples/trained/mnist-cnn-bcirc.json', 'icebreaker'],
];

/**
 * A spec as a record keeps it: a trained network's top-level `"weights"`
 * (an .npz beside the spec) is dropped, so the record stands alone; the
 * layers keep their formats and shapes, which is all the resource model reads.
 */
function standaloneSpec(path: string): unknown {
  const { weights: _npz, $schema: _schema, ...spec } = JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>;
  return spec;
}

/** One full build (runFlow) of a design on a board: yosys's cell counts and nextpnr's logic cells. */
async function buildRecord(group: string, id: string, spec: unknown, design: Design, boardName: string, tc: Toolchain): Promise<SynthRecord> {
  const board = loadBoard(boardName);
  const bd = boardDesign(design.rtl(), board);
  const out = mkdtempSync(join(tmpdir(), 'circa-cal-build-'));
  const t0 = performance.now();
  try {
    const rep = await runFlow({ sources: bd.sources, top: bd.top, board, pcf: bd.pcf, toolchain: tc, outDir: out });
    const counts = netlistCellCounts(readFileSync(join(out, 'netlist.json'), 'utf8'), bd.top);
    const cells: Cells = { lut: counts.get('SB_LUT4') ?? 0, ff: rep.cells.ff, carry: rep.cells.carry, dsp: rep.cells.dsp, ebr: rep.cells.ebr, spram: rep.cells.spram };
    return { group, id, dev: board.part === 'UP5K' ? 'u' : 'hx', spec, board: boardName, cells, lc: rep.cells.lut, seconds: (performance.now() - t0) / 1000 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Measurements of a toolchain: calibration/<tc>.json, plus any shard files
 * calibration/<tc>.<name>.json that a parallel `measure` wrote (CIRCA_CAL_SHARD=<name>);
 * a group in a shard replaces the same group in the main file.
 */
function loadData(tc: Toolchain): DataFile {
  const path = join(DATA_DIR, `${tc}.json`);
  const data: DataFile = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as DataFile : { toolchain: tc, yosys: '', updated: '', records: [] };
  if (!existsSync(DATA_DIR)) return data;
  for (const f of readdirSync(DATA_DIR).filter((x) => x.startsWith(`${tc}.`) && x !== `${tc}.json` && x.endsWith('.json')).sort()) {
    const shard = JSON.parse(readFileSync(join(DATA_DIR, f), 'utf8')) as DataFile;
    const groups = new Set(shard.records.map((r) => r.group));
    data.records = [...data.records.filter((r) => !groups.has(r.group)), ...shard.records];
    data.yosys ||= shard.yosys;
  }
  return data;
}

function dataPath(tc: Toolchain): string {
  const shard = process.env.CIRCA_CAL_SHARD;
  return join(DATA_DIR, shard ? `${tc}.${shard}.json` : `${tc}.json`);
}

function saveData(d: DataFile, path = dataPath(d.toolchain)): void {
  mkdirSync(DATA_DIR, { recursive: true });
  d.updated = new Date().toISOString().slice(0, 10);
  writeFileSync(path, JSON.stringify(d, null, 1) + '\n');
}

/** Fold shard files into calibration/<tc>.json. */
function consolidate(tc: Toolchain): void {
  const shards = existsSync(DATA_DIR) ? readdirSync(DATA_DIR).filter((x) => x.startsWith(`${tc}.`) && x !== `${tc}.json` && x.endsWith('.json')) : [];
  if (!shards.length) return;
  saveData(loadData(tc), join(DATA_DIR, `${tc}.json`));
  for (const f of shards) rmSync(join(DATA_DIR, f));
}

async function yosysVersion(tc: Toolchain): Promise<string> {
  if (tc === 'native') return execFileSync('yosys', ['-V']).toString().trim();
  const { runYosys } = await import('@yowasp/yosys');
  let text = '';
  const dec = new TextDecoder();
  await runYosys(['-V'], {}, { stdout: (b: Uint8Array | null) => { if (b) text += dec.decode(b); }, stderr: null });
  return `YoWASP ${text.trim()}`;
}

async function measure(tc: Toolchain, groups: string[]): Promise<void> {
  const yosys = await yosysVersion(tc);
  const t = () => performance.now();
  const log = (r: SynthRecord) => console.log(`${r.group.padEnd(8)} ${r.id.padEnd(40)} ${r.dev.padEnd(3)} ${JSON.stringify(r.cells)}${r.lc !== undefined ? ` LC ${r.lc}` : ''} ${r.seconds.toFixed(1)} s`);
  for (const group of groups) {
    const recs: SynthRecord[] = [];
    const push = (r: SynthRecord) => { recs.push(r); log(r); };
    if (group === 'micro') {
      for (const m of microSources()) {
        for (const dev of m.devs) {
          const t0 = t();
          const cells = await synth([{ name: 'top.v', text: m.src }], 'top', dev, tc);
          push({ group, id: m.id, dev, params: m.params, cells, seconds: (t() - t0) / 1000 });
        }
      }
    } else if (group === 'link') {
      for (const m of linkSources()) {
        const t0 = t();
        const cells = await synth(m.sources, 'top', 'u', tc);
        push({ group, id: m.id, dev: 'u', params: m.params, cells, seconds: (t() - t0) / 1000 });
      }
    } else if (group === 'layer' || group === 'network') {
      for (const spec of group === 'layer' ? layerSpecs() : networkSpecs()) {
        for (const dev of ['u', 'hx'] as const) {
          const rtl = designOf(spec).rtl();
          const t0 = t();
          const cells = await synth(rtl.sources, rtl.top, dev, tc);
          push({ group, id: labelOf(spec), dev, spec, cells, seconds: (t() - t0) / 1000 });
        }
      }
    } else if (group === 'spectral') {
      for (const { spec, devs, only } of spectralSpecs()) {
        if (only && only !== tc) continue;
        for (const dev of devs) {
          const rtl = designOf(spec).rtl();
          const t0 = t();
          const cells = await synth(rtl.sources, rtl.top, dev, tc);
          push({ group, id: labelOf(spec), dev, spec, cells, seconds: (t() - t0) / 1000 });
        }
      }
    } else if (group === 'conv') {
      for (const { spec, devs } of convSpecs()) {
        for (const dev of devs) {
          const rtl = designOf(spec).rtl();
          const t0 = t();
          const cells = await synth(rtl.sources, rtl.top, dev, tc);
          push({ group, id: labelOf(spec), dev, spec, cells, seconds: (t() - t0) / 1000 });
        }
      }
    } else if (group === 'board') {
      const board = loadBoard('icebreaker');
      for (const spec of boardSpecs()) {
        const rtl = designOf(spec).rtl();
        const bd = boardDesign(rtl, board);
        const t0 = t();
        const bare = await synth(rtl.sources, rtl.top, 'u', tc);
        const cells = await synth(bd.sources, bd.top, 'u', tc);
        push({ group, id: labelOf(spec), dev: 'u', spec, cells, bare, seconds: (t() - t0) / 1000 });
      }
    } else if (group === 'build') {
      for (const [name, boardName] of BUILDS) {
        const design = loadDesign(join(ROOT, 'examples', `${name}.json`));
        push(await buildRecord(group, `${name} on ${boardName}`, exampleSpec(name), design, boardName, tc));
      }
    } else if (group === 'cnnbuild') {
      for (const [path, boardName] of CNN_BUILDS) {
        const name = path.replace(/^.*\//, '').replace(/\.json$/, '');
        push(await buildRecord(group, `${name} on ${boardName}`, standaloneSpec(path), loadDesign(join(ROOT, path)), boardName, tc));
      }
    } else {
      throw new Error(`unknown group ${group}; groups: micro link layer network board spectral conv build cnnbuild`);
    }
    // reload before saving: a parallel measure (another shard) may have written meanwhile
    const path = dataPath(tc);
    const data: DataFile = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as DataFile : { toolchain: tc, yosys, updated: '', records: [] };
    data.yosys = yosys;
    data.records = [...data.records.filter((r) => r.group !== group), ...recs];
    saveData(data, path);
  }
}

/* ------------------------------------------------------------------------ */
/* Fitting                                                                    */
/* ------------------------------------------------------------------------ */

/** Weighted least squares: minimise sum w_i (x_i . c - y_i)^2, with a little ridge for stability. */
function lsq(X: number[][], y: number[], w: number[], ridge = 1e-9): number[] {
  const k = X[0].length;
  const A = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  for (let i = 0; i < X.length; i++) {
    for (let r = 0; r < k; r++) {
      b[r] += w[i] * X[i][r] * y[i];
      for (let c = 0; c < k; c++) A[r][c] += w[i] * X[i][r] * X[i][c];
    }
  }
  for (let r = 0; r < k; r++) A[r][r] += ridge * (A[r][r] + 1);
  // Gaussian elimination with partial pivoting
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(A[r][col]) > Math.abs(A[piv][col])) piv = r;
    [A[col], A[piv]] = [A[piv], A[col]];
    [b[col], b[piv]] = [b[piv], b[col]];
    if (Math.abs(A[col][col]) < 1e-12) continue;
    for (let r = col + 1; r < k; r++) {
      const f = A[r][col] / A[col][col];
      for (let c = col; c < k; c++) A[r][c] -= f * A[col][c];
      b[r] -= f * b[col];
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    if (Math.abs(A[r][r]) < 1e-12) continue;
    let s = b[r];
    for (let c = r + 1; c < k; c++) s -= A[r][c] * x[c];
    x[r] = s / A[r][r];
  }
  return x;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

function fitModel(rows: { f: Record<string, number>; y: number }[], features: string[]): LinearModel {
  const active = features.filter((k) => rows.some((r) => (r.f[k] ?? 0) !== 0));
  if (!rows.length || !active.length) return {};
  const X = rows.map((r) => active.map((k) => r.f[k] ?? 0));
  const c = lsq(X, rows.map((r) => r.y), rows.map((r) => 1 / Math.max(10, Math.abs(r.y))));
  const m: LinearModel = {};
  active.forEach((k, i) => { if (Math.abs(c[i]) > 1e-6) m[k] = r4(c[i]); });
  return m;
}

/** Features per kind the LUT/FF/carry models use (inventory.ts defines them). */
const KIND_FEATURES: Record<string, string[]> = {
  tvscm: ['one', 'lanes', 'window', 'lane', 'preadd', 'wrap', 'shared', 'ctrl'],
  dense: ['one', 'lanes', 'lane', 'prod', 'ctrl'],
  activation: ['one', 'x', 'y'],
  argmax: ['one', 'x', 'idx', 'out'],
};

/**
 * Every coefficient of one toolchain from its records. `kept`: the
 * coefficients the estimates will be priced with for everything not being
 * refitted (`fit --kinds`: the committed ones, with those kinds' fresh models
 * in place); the image kinds' in-network term, fitted last on whole CNNs, is
 * fitted against that model (without it, against the fresh fit of everything).
 */
function fitToolchain(d: DataFile, kept?: (fresh: Coefficients) => Coefficients): Coefficients {
  const recs = d.records;
  const micro = recs.filter((r) => r.group === 'micro');
  // soft multipliers, HX: lut = k * a*b + k0, carry = c * (a+b) + c0
  const muls = micro.filter((r) => r.params?.mul && r.dev === 'hx');
  const mulLut = lsq(muls.map((r) => [r.params!.a * r.params!.b, 1]), muls.map((r) => r.cells.lut), muls.map((r) => 1 / r.cells.lut));
  const mulCarry = lsq(muls.map((r) => [r.params!.a + r.params!.b, 1]), muls.map((r) => r.cells.carry), muls.map(() => 1));
  // RAM in logic: lut = k * W * (D-1); ROM in logic: lut = W * max(min, k * D)
  const rams = micro.filter((r) => r.params?.ram && r.params.D > 1);
  const ramK = lsq(rams.map((r) => [r.params!.W * (r.params!.D - 1)]), rams.map((r) => r.cells.lut), rams.map((r) => 1 / r.cells.lut))[0];
  const roms = micro.filter((r) => r.params?.rom && r.params.D >= 10);
  const romK = lsq(roms.map((r) => [r.params!.W * r.params!.D]), roms.map((r) => r.cells.lut), roms.map((r) => 1 / r.cells.lut))[0];
  const smallRoms = micro.filter((r) => r.params?.rom && r.params.D < 10 && r.params.D > 2);
  const romMin = smallRoms.length ? smallRoms.reduce((s, r) => s + r.cells.lut / r.params!.W, 0) / smallRoms.length : 0.5;

  const partial: Coefficients = {
    source: '',
    softMul: { lutPerBit: r4(mulLut[0]), lut0: r4(mulLut[1]), carryPerWidth: r4(mulCarry[0]), carry0: r4(mulCarry[1]) },
    memory: { ramPerBitWord: r4(ramK), romPerBitWord: r4(romK), romMinPerBit: r4(romMin), chunkMuxPerBit: 1 },
    packing: { ff: 0, carry: 0 },
    kinds: {},
  };

  /** What the explicit terms (memories, soft multipliers) predict for an inventory row. */
  const explicit = (inv: ReturnType<typeof layerInventory>, ultraplus: boolean) => {
    const e = explicitCost(partial, inv, ultraplus, ice40.mapping);   // the calibration runs are iCE40 builds
    return { lut: e.lut4, ff: e.ff, carry: e.carry };
  };

  const fitKind = (rows: { f: Record<string, number>; cells: Cells; ex: { lut: number; ff: number; carry: number } }[], feats: string[]): FamilyModels => ({
    lut: fitModel(rows.map((r) => ({ f: r.f, y: r.cells.lut - r.ex.lut })), feats),
    ff: fitModel(rows.map((r) => ({ f: r.f, y: r.cells.ff - r.ex.ff })), feats),
    carry: fitModel(rows.map((r) => ({ f: r.f, y: r.cells.carry - r.ex.carry })), feats),
  });

  // layer kinds, per family
  const layers = recs.filter((r) => r.group === 'layer');
  for (const [kind, feats] of Object.entries(KIND_FEATURES)) {
    const models: Partial<Record<'ultraplus' | 'hx', FamilyModels>> = {};
    for (const dev of ['u', 'hx'] as const) {
      const rows = layers.filter((r) => r.dev === dev && (r.spec as { kind: string }).kind === kind).map((r) => {
        const design = designOf(r.spec);
        const inv = layerInventory(design.net.layers[0], design.cost().latency);
        return { f: inv.features, cells: r.cells, ex: explicit(inv, dev === 'u') };
      });
      models[dev === 'u' ? 'ultraplus' : 'hx'] = fitKind(rows, feats);
    }
    partial.kinds[kind] = models as Record<'ultraplus' | 'hx', FamilyModels>;
  }

  fitSpectral(recs, partial, explicit, fitKind);
  fitConv(recs, partial, explicit, fitKind);

  // stream_link (+ the vector gate in front of the next layer): one model, both families
  const links = recs.filter((r) => r.group === 'link' && r.params?.link);
  const linkRows = links.map((r) => {
    const { L, W, D } = r.params!;
    const fake = { io: { outLanes: L, outWidth: W, outBeats: D, inBeats: 1 } } as unknown as Parameters<typeof linkInventory>[0];
    const inv = linkInventory(fake, 0, D);
    return { f: { ...inv.features, gate: 0 }, cells: r.cells, ex: explicit(inv, true) };
  });
  const linkModel = fitKind(linkRows, ['one', 'ptr', 'lanemux', 'entry']);
  const gates = recs.filter((r) => r.group === 'link' && r.params?.gate);
  const gateRows = gates.map((r) => ({ f: { one: 1, gate: bitsFor(r.params!.N) }, cells: r.cells, ex: { lut: 0, ff: 0, carry: 0 } }));
  const gateModel = fitKind(gateRows, ['one', 'gate']);
  const merge = (a: LinearModel, b: LinearModel): LinearModel => {
    const m: LinearModel = { ...a };
    for (const [k, v] of Object.entries(b)) m[k] = r4((m[k] ?? 0) + v);
    return m;
  };
  const linkAndGate: FamilyModels = { lut: merge(linkModel.lut, gateModel.lut), ff: merge(linkModel.ff, gateModel.ff), carry: merge(linkModel.carry, gateModel.carry) };
  partial.kinds.stream_link = { ultraplus: linkAndGate, hx: linkAndGate };

  // the network top's own logic: what the layers and links do not explain
  partial.kinds.network = { ultraplus: { lut: {}, ff: {}, carry: {} }, hx: { lut: {}, ff: {}, carry: {} } };
  const nets = recs.filter((r) => r.group === 'network');
  for (const dev of ['u', 'hx'] as const) {
    const fam = dev === 'u' ? 'ultraplus' : 'hx';
    const rows = nets.filter((r) => r.dev === dev).map((r) => {
      const design = designOf(r.spec);
      const est = predictWith(partial, design, dev === 'u' ? 'UP5K' : 'HX8K', false);
      return { f: { one: 1, layers: design.net.layers.length }, cells: r.cells, ex: { lut: est.total.lut4, ff: est.total.ff, carry: est.total.carry } };
    });
    // two features, few networks: fit the constant and the per-layer term jointly only if the data can tell them apart
    partial.kinds.network[fam] = fitKind(rows, ['layers']);
  }

  // the board top (framed protocol): measured as with - without
  const boards = recs.filter((r) => r.group === 'board');
  const boardRows = boards.map((r) => {
    const design = designOf(r.spec);
    const inv = designInventory(design.net, design.isNetwork, design.cost().latency, true).board!;
    const d: Cells = { lut: r.cells.lut - r.bare!.lut, ff: r.cells.ff - r.bare!.ff, carry: r.cells.carry - r.bare!.carry, dsp: 0, ebr: 0, spram: 0 };
    return { f: inv.features, cells: d, ex: explicit(inv, true) };
  });
  const boardModel = fitKind(boardRows, ['one', 'inBits', 'outBits', 'inBeats', 'outBeats']);
  partial.kinds.board = { ultraplus: boardModel, hx: boardModel };

  // generic kinds (not modelled in inventory.ts): a dense-like lane model, borrowed from the dense fit
  partial.kinds.generic = partial.kinds.dense;

  // packing: LC = LUT4 + pff * FF + pcarry * carry, from the real builds' yosys counts
  const builds = recs.filter((r) => r.group === 'build' && r.lc !== undefined);
  if (builds.length >= 2) {
    const pk = lsq(builds.map((r) => [r.cells.ff, r.cells.carry]), builds.map((r) => r.lc! - r.cells.lut), builds.map((r) => 1 / r.lc!));
    partial.packing = { ff: r4(pk[0]), carry: r4(pk[1]) };
  }
  fitConvInNetwork(recs, kept ? kept(partial) : partial);
  partial.source = `fitted by bench/estimate-calibrate.ts from ${recs.length} ${d.toolchain} runs (${d.yosys}), src/estimate/calibration/${d.toolchain}.json, ${d.updated}`;
  return partial;
}

type FitKind = (rows: { f: Record<string, number>; cells: Cells; ex: { lut: number; ff: number; carry: number } }[], feats: string[]) => FamilyModels;
type Explicit = (inv: ReturnType<typeof layerInventory>, ultraplus: boolean) => { lut: number; ff: number; carry: number };

const mergeModels = (a: LinearModel, b: LinearModel): LinearModel => {
  const m: LinearModel = { ...a };
  for (const [k, v] of Object.entries(b)) m[k] = r4((m[k] ?? 0) + v);
  return m;
};
const mergeFamily = (a: FamilyModels, b: FamilyModels): FamilyModels => ({ lut: mergeModels(a.lut, b.lut), ff: mergeModels(a.ff, b.ff), carry: mergeModels(a.carry, b.carry) });

/**
 * The FFT kinds (group `spectral`, layers only): the FFT model from the fft
 * layers, each other kind's own features on the rest, HX as UltraPlus plus a
 * per-product-bit correction. Writes partial.kinds.{fft, circulant,
 * diag-circulant, block-circulant}.
 */
function fitSpectral(recs: SynthRecord[], partial: Coefficients, explicit: Explicit, fitKind: FitKind): void {
  const layers = recs.filter((r) => r.group === 'spectral' && !(typeof r.spec === 'object' && r.spec !== null && 'layers' in r.spec));
  if (!layers.length) return;
  const kindOf = (r: SynthRecord) => (r.spec as { kind: string }).kind;
  const rowOf = (r: SynthRecord) => {
    const design = designOf(r.spec);
    const inv = layerInventory(design.net.layers[0], design.cost().latency);
    return { inv, f: inv.features, cells: r.cells, ex: explicit(inv, r.dev === 'u') };
  };
  const up = layers.filter((r) => r.dev === 'u').map((r) => ({ kind: kindOf(r), ...rowOf(r) }));
  const fftModel = fitKind(up.filter((r) => r.kind === 'fft'), FFT_FEATURES);
  const withFft = (r: (typeof up)[number]) => ({
    ...r,
    ex: { lut: r.ex.lut + evalLinear(fftModel.lut, r.f), ff: r.ex.ff + evalLinear(fftModel.ff, r.f), carry: r.ex.carry + evalLinear(fftModel.carry, r.f) },
  });
  const models: Record<string, FamilyModels> = { fft: fftModel };
  const circ = fitKind(up.filter((r) => r.kind === 'circulant' || r.kind === 'diag-circulant').map(withFft), SPECTRAL_FEATURES.circulant);
  models.circulant = mergeFamily(fftModel, circ);
  models['diag-circulant'] = models.circulant;
  models['block-circulant'] = mergeFamily(fftModel, fitKind(up.filter((r) => r.kind === 'block-circulant').map(withFft), SPECTRAL_FEATURES['block-circulant']));
  // HX: the UltraPlus model of the kind plus c * mulY, one c for all kinds
  const hx = layers.filter((r) => r.dev === 'hx').map((r) => {
    const row = rowOf(r);
    const m = models[kindOf(r)];
    return {
      ...row,
      ex: { lut: row.ex.lut + evalLinear(m.lut, row.f), ff: row.ex.ff + evalLinear(m.ff, row.f), carry: row.ex.carry + evalLinear(m.carry, row.f) },
    };
  });
  const corr = hx.length ? fitKind(hx, ['mulY']) : { lut: {}, ff: {}, carry: {} };
  for (const [kind, m] of Object.entries(models)) partial.kinds[kind] = { ultraplus: m, hx: mergeFamily(m, corr) };
}

/**
 * Features of the image kinds' models (src/layers/conv2d/resources.ts,
 * pool/resources.ts); a pool's lane and product widths move together (no
 * multiplier), so it keeps one of them.
 */
const CONV_FEATURES: Record<string, string[]> = { conv2d: ['one', 'lanes', 'lane', 'prod', 'word', 'ctrl'], pool: ['one', 'lane', 'ctrl'] };

/**
 * The image kinds (group `conv`, layers only): conv2d (conv1d is the same
 * engine and resource face, priced by the conv2d model) and pool, each fitted
 * on its UltraPlus records; HX as UltraPlus plus one fitted correction per
 * kind (per lane: few HX records, and the soft multipliers are priced
 * explicitly). Writes partial.kinds.{conv2d, pool}.
 */
function fitConv(recs: SynthRecord[], partial: Coefficients, explicit: Explicit, fitKind: FitKind): void {
  const layers = recs.filter((r) => r.group === 'conv' && !(typeof r.spec === 'object' && r.spec !== null && 'layers' in r.spec));
  if (!layers.length) return;
  const modelOf = (r: SynthRecord) => ((r.spec as { kind: string }).kind === 'pool' ? 'pool' : 'conv2d');
  const rowOf = (r: SynthRecord) => {
    const design = designOf(r.spec);
    const inv = layerInventory(design.net.layers[0], design.cost().latency);
    return { f: inv.features, cells: r.cells, ex: explicit(inv, r.dev === 'u') };
  };
  for (const model of ['conv2d', 'pool']) {
    const mine = layers.filter((r) => modelOf(r) === model);
    const up = fitKind(mine.filter((r) => r.dev === 'u').map(rowOf), CONV_FEATURES[model]);
    const hxRows = mine.filter((r) => r.dev === 'hx').map((r) => {
      const row = rowOf(r);
      return { ...row, ex: { lut: row.ex.lut + evalLinear(up.lut, row.f), ff: row.ex.ff + evalLinear(up.ff, row.f), carry: row.ex.carry + evalLinear(up.carry, row.f) } };
    });
    const corr = hxRows.length ? fitKind(hxRows, ['lanes']) : { lut: {}, ff: {}, carry: {} };
    partial.kinds[model] = { ultraplus: up, hx: mergeFamily(up, corr) };
  }
}

/**
 * The image kinds inside a network (feature `net`, 1 per conv2d, conv1d or
 * pool layer of a network, as their resource faces set it): the layer records are each layer on its own top,
 * where yosys cannot optimise across the layer's ports; inside a network it
 * does, with the stream links beside it. One coefficient per count, shared by
 * conv2d and pool, fitted on what the rest of the model (every other term
 * already fitted, packing included) leaves of whole CNNs: the conv group's
 * networks (yosys alone) and the cnnbuild group (full builds with the board
 * top), each weighted by 1 / its measured count. FF and carry first, on
 * yosys's counts (a build's from its netlist); then LUT4, whose target in a
 * build is the logic cells nextpnr reports less the model's packing of the
 * flip-flops and carries, so that the logic cells (what a build reports and
 * the fit check uses) come out right on the builds. Runs after every other fit.
 */
function fitConvInNetwork(recs: SynthRecord[], partial: Coefficients): void {
  // `partial`: the model the estimates are priced with; the term is set in its conv2d and pool models
  const nets = recs.filter((r) => r.dev === 'u' && ((r.group === 'conv' && typeof r.spec === 'object' && r.spec !== null && 'layers' in r.spec) || r.group === 'cnnbuild'));
  if (!nets.length || !partial.kinds.conv2d || !partial.kinds.pool) return;
  const rows = nets.map((r) => {
    const design = designOf(r.spec);
    // the count of the feature: the layers whose resource face sets `net` (conv2d, conv1d, pool in a network)
    const n = designInventory(design.net, design.isNetwork, design.cost().latency).layers.reduce((s, l) => s + (l.features.net ?? 0), 0);
    return { r, design, n, built: r.group === 'cnnbuild' };
  });
  const set = (k: 'lut' | 'ff' | 'carry', c: number) => {
    for (const kind of ['conv2d', 'pool']) {
      for (const fam of ['ultraplus', 'hx'] as const) partial.kinds[kind][fam][k] = { ...partial.kinds[kind][fam][k], net: r4(c) };
    }
  };
  // one feature, weighted least squares: c = sum(w n y) / sum(w n^2), w = 1 / measured^2 (relative error)
  const fitOne = (target: (x: (typeof rows)[number], est: ReturnType<typeof predictWith>['total']) => { y: number; measured: number } | null) => {
    let num = 0;
    let den = 0;
    for (const x of rows) {
      const t = target(x, predictWith(partial, x.design, 'UP5K', x.built).total);
      if (!t) continue;   // a count the record does not have
      const { y, measured } = t;
      const w = 1 / Math.max(1, measured) ** 2;
      num += w * x.n * y;
      den += w * x.n * x.n;
    }
    return den ? num / den : 0;
  };
  for (const k of ['lut', 'ff', 'carry'] as const) set(k, 0);
  set('ff', fitOne((x, e) => (x.r.cells.ff === undefined ? null : { y: x.r.cells.ff - e.ff, measured: x.r.cells.ff })));
  set('carry', fitOne((x, e) => (x.r.cells.carry === undefined ? null : { y: x.r.cells.carry - e.carry, measured: x.r.cells.carry })));
  set('lut', fitOne((x, e) => (x.built ? { y: x.r.lc! - e.lut, measured: x.r.lc! } : { y: x.r.cells.lut - e.lut4, measured: x.r.cells.lut })));
}

function evalLinear(m: LinearModel, f: Record<string, number>): number {
  let s = 0;
  for (const [k, c] of Object.entries(m)) s += c * (f[k] ?? 0);
  return s;
}

/** predictResources with a given coefficient set (the fit in progress). */
function predictWith(c: Coefficients, design: Design, part: 'UP5K' | 'HX8K', board: boolean) {
  return predictResources(design, { part, board, toolchain: 'native', coefficients: c });
}

/** The target's share of one toolchain's fit: what belongs to no kind. */
function sharedOf(c: Coefficients): SharedCoefficients {
  const components = Object.fromEntries(SHARED_COMPONENTS.map((k) => [k, c.kinds[k]]));
  return { source: c.source, softMul: c.softMul, memory: c.memory, packing: c.packing, components };
}

/** A fitted model is a kind's own: the registered kind of that name, with a folder of its own in src/layers/. */
function ownerKind(model: string): string {
  if (!Object.hasOwn(LAYER_KINDS, model) || !existsSync(join(ROOT, 'src/layers', model))) {
    throw new Error(`fit: model "${model}" is neither a kind with a folder in src/layers/ nor a shared component (${SHARED_COMPONENTS.join(', ')})`);
  }
  return model;
}

/** Write one kind's file: its fitted models (both toolchains), with a note per toolchain. */
function writeKindFile(kind: string, all: Record<Toolchain, Coefficients>, notes?: Record<Toolchain, string>): void {
  const models: FittedModel = { yowasp: all.yowasp.kinds[kind], native: all.native.kinds[kind] };
  const component: KindComponent = { models, ...(notes ? { notes } : {}) };
  writeFileSync(kindFile(ownerKind(kind)), kindFileText(kind, { [kind]: component }));
}

/**
 * `fit --kinds a,b`: refit only those kinds' models and rewrite their files
 * (src/layers/<kind>/coefficients.ts), leaving every other coefficient as it is.
 */
async function fitKinds(kinds: string[]): Promise<void> {
  if (kinds.includes('conv2d') !== kinds.includes('pool')) throw new Error('fit --kinds: conv2d and pool share the in-network term (feature net): refit both');
  const all = {} as Record<Toolchain, Coefficients>;
  const notes: Record<string, Record<Toolchain, string>> = {};
  for (const tc of ['yowasp', 'native'] as const) {
    consolidate(tc);
    const d = loadData(tc);
    // every model but those kinds' stays as committed: the target's and the other kinds' coefficients
    const committed = coefficientsFor(ice40, tc);
    all[tc] = fitToolchain(d, (fresh) => ({
      ...committed,
      kinds: { ...structuredClone(committed.kinds), ...Object.fromEntries(kinds.map((k) => [k, fresh.kinds[k]])) },
    }));
    for (const kind of kinds) {
      if (!all[tc].kinds[kind]) throw new Error(`fit --kinds: no records fit a model for kind ${kind}`);
      const n = d.records.filter((r) => r.group === 'conv' && !(r.spec && typeof r.spec === 'object' && 'layers' in r.spec)).length;
      const b = d.records.filter((r) => r.group === 'cnnbuild').length;
      (notes[kind] ??= {} as Record<Toolchain, string>)[tc] =
        `fitted by \`bench/estimate-calibrate.ts fit --kinds ${kinds.join(',')}\` from the ${n} conv-group records of calibration/${tc}.json (${d.updated})` +
        `; net (in a network): on the conv group's network${b ? ` and the ${b} cnnbuild builds` : ''}`;
    }
    console.log(`${tc}: ${kinds.join(', ')} refitted from ${d.records.length} records`);
  }
  for (const kind of kinds) {
    writeKindFile(kind, all, notes[kind]);
    console.log(`wrote ${kindFile(kind)}`);
  }
}

async function fit(): Promise<void> {
  const all: Partial<Record<Toolchain, Coefficients>> = {};
  for (const tc of ['yowasp', 'native'] as const) {
    consolidate(tc);
    const d = loadData(tc);
    if (!d.records.length) {
      console.log(`${tc}: no measurements; skipped`);
      continue;
    }
    all[tc] = fitToolchain(d);
    console.log(`${tc}: fitted from ${d.records.length} records`);
  }
  all.yowasp ??= all.native;
  all.native ??= all.yowasp;
  if (!all.yowasp || !all.native) throw new Error('fit: no measurements in src/estimate/calibration/');
  const both = all as Record<Toolchain, Coefficients>;
  writeFileSync(SHARED_FILE, sharedFileText({ yowasp: sharedOf(both.yowasp), native: sharedOf(both.native) }));
  console.log(`wrote ${SHARED_FILE}`);
  for (const model of Object.keys(both.yowasp.kinds).filter((k) => !SHARED_COMPONENTS.includes(k))) {
    writeKindFile(model, both);
    console.log(`wrote ${kindFile(model)}`);
  }
}

/* ------------------------------------------------------------------------ */
/* Checking                                                                   */
/* ------------------------------------------------------------------------ */

const pct = (p: number, a: number) => (a === 0 ? (p === 0 ? 0 : Infinity) : (100 * (p - a)) / a);
const fmtPct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)}%` : 'inf');

function check(only?: string): void {
  for (const tc of ['native', 'yowasp'] as const) {
    const d = loadData(tc);
    if (!d.records.length) continue;
    console.log(`\n== ${tc} (${d.yosys}), ${d.records.length} records`);
    const worst: { id: string; what: string; e: number }[] = [];
    for (const r of d.records) {
      if (!r.spec || r.group === 'board' || (only && r.group !== only)) continue;
      const design = designOf(r.spec);
      const part = r.dev === 'u' ? 'UP5K' : 'HX8K';
      const built = r.group === 'build' || r.group === 'cnnbuild';
      const est = predictResources(design, { part, toolchain: tc, board: built });
      const lut = built ? est.total.lut : est.total.lut4;
      const actLut = built ? r.lc! : r.cells.lut;
      const line = [
        `${r.group.padEnd(8)}${r.id.padEnd(44)}${r.dev.padEnd(3)}`,
        `${built ? 'LC' : 'LUT4'} ${String(lut).padStart(5)}/${String(actLut).padEnd(5)} ${fmtPct(pct(lut, actLut)).padStart(7)}`,
        ...(built ? [`LUT4 ${String(est.total.lut4).padStart(5)}/${String(r.cells.lut).padEnd(5)} ${fmtPct(pct(est.total.lut4, r.cells.lut)).padStart(7)}`] : []),
        `FF ${String(est.total.ff).padStart(5)}/${String(r.cells.ff).padEnd(5)} ${fmtPct(pct(est.total.ff, r.cells.ff)).padStart(7)}`,
        `DSP ${est.total.dsp}/${r.cells.dsp}${est.total.dsp === r.cells.dsp ? '' : ' !'}`,
        `EBR ${est.total.ebr}/${r.cells.ebr}${est.total.ebr === r.cells.ebr ? '' : ' !'}`,
        ...(est.total.spram || r.cells.spram ? [`SPRAM ${est.total.spram}/${r.cells.spram}${est.total.spram === r.cells.spram ? '' : ' !'}`] : []),
      ];
      console.log(line.join('  '));
      worst.push({ id: `${r.group} ${r.id} ${r.dev}`, what: 'LUT', e: pct(lut, actLut) }, { id: `${r.group} ${r.id} ${r.dev}`, what: 'FF', e: pct(est.total.ff, r.cells.ff) });
    }
    worst.sort((a, b) => Math.abs(b.e) - Math.abs(a.e));
    console.log('worst:', worst.slice(0, 8).map((w) => `${w.id} ${w.what} ${fmtPct(w.e)}`).join('; '));
  }
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'measure') {
  const tc = args[0] as Toolchain;
  if (tc !== 'native' && tc !== 'yowasp') throw new Error('measure <native|yowasp> [group...]');
  await measure(tc, args.length > 1 ? args.slice(1) : ['micro', 'link', 'layer', 'network', 'board', 'spectral', 'conv', 'build', 'cnnbuild']);
} else if (cmd === 'fit') {
  if (args[0] === '--kinds' && args[1]) await fitKinds(args[1].split(','));
  else await fit();
} else if (cmd === 'check') {
  check(args[0]);
} else {
  console.log('usage: npx tsx bench/estimate-calibrate.ts measure <native|yowasp> [group...] | fit | check');
}
