/**
 * Dense layer: RTL against the reference model in Verilator (bit-exact value
 * for value, the sticky overflow flag, measured cycles == the cost face),
 * RTL acceptance (Verilator -Wall, Icarus, yosys), EBR and SB_MAC16
 * inference, the reference model itself, and spec errors that name the field.
 * Weights in SPRAM ("memory": "spram"): the same checks with the simulation
 * preload (the run-time load path is in protocol.sim.test.ts and
 * registers.test.ts), and yosys mapping the memory onto SB_SPRAM256KA.
 * Wide input beats ("beat": k elements per beat, k dividing the inputs): the
 * same value-for-value and cycle checks, one and two buffers, the timing
 * face beat by beat, and the spec error listing the divisors. The other
 * wide-beat shapes: test/dense.cosim.deep.test.ts (`npm run test:deep`).
 */
import { describe, expect, it } from 'vitest';
import { runYosys } from '@yowasp/yosys';
import { CircaInputError } from '../src/errors.ts';
import { loadLayerSpec, type LoadedLayer } from '../src/layers/load.ts';
import type { DensePlan } from '../src/layers/dense/plan.ts';
import { formatMismatch } from '../src/sim/cosim.ts';
import { checkRtl } from '../src/sim/lint.ts';
import { makeVectors } from '../src/sim/vectors.ts';
import { simulateStream } from '../src/sim/stream.ts';
import { denseLoadWords } from '../src/layers/dense/rtl.ts';
import { dense, expectedOutputs, expectExact, expectSameAsBase, itWideCase, spramSpec, synthCells, wide, WIDE_CASES } from './dense-cosim.ts';
import { cosim } from '../src/sim/cosim.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { synthesisedRtl } from '../src/sim/netlist.ts';
import { predictResources } from '../src/estimate/resources.ts';
import { designFromPlan } from '../src/network/design.ts';
import { planAny } from '../src/network/plan.ts';

// 16 -> 10, 187 -> 5, 64 -> 32, overflow and n = 1 (shapes and modes the random co-simulation also draws):
// test/dense.cosim.deep.test.ts
describe('dense co-simulation', { tags: ['tools'] }, () => {


  it('187 -> 5, P = 2: every output beat and the next first input land where the timing face says', async () => {
    const layer = dense({
      inputs: 187, outputs: 5, lanes: 2,
      weights: { format: { int: 0, frac: 7 }, biasFormat: { int: 1, frac: 6 }, init: 'random', seed: 5, scale: 0.25 },
      output: { format: { int: 1, frac: 6 }, rounding: 'truncate' },
      activation: 'relu',
    });
    const vectors = makeVectors(6, 187, 8, 4);
    // full rate on both sides: input beat i of vector k is taken at firstIn[k] + i
    const res = await simulateStream(layer.kind.rtl(layer.plan), vectors.map((v) => v.x.map((e) => [e])));
    const timing = layer.kind.timing(layer.plan);
    let prev: { inputs: number[]; outputs: number[] } | undefined;
    for (let k = 0; k < vectors.length; k++) {
      const inputs = Array.from({ length: 187 }, (_, i) => res.firstIn[k] + i);
      const outs = timing.outputs(inputs, prev);
      expect(res.beats[k].map((b) => b.cycle)).toEqual(outs);
      if (k + 1 < vectors.length) expect(res.firstIn[k + 1]).toBe(timing.nextReady(inputs, outs, prev));
      prev = { inputs, outputs: outs };
    }
  });


  it('784 -> 10, P = 2 (the MNIST classifier size), ReLU: bit-exact, cycles as predicted', async () => {
    const layer = dense({
      inputs: 784, outputs: 10, lanes: 2,
      weights: { init: 'random', seed: 1 },
      output: { format: { int: 2, frac: 5 } },
      activation: 'relu',
    });
    const { full } = await expectExact(layer, 100);
    expect(full.cycles.predictedPeriod).toBe(784 * 5);
  });


});

describe('dense wide input beats ("beat": k elements per input beat)', () => {
  // one wide-beat shape here; every shape of WIDE_CASES in test/dense.cosim.deep.test.ts (one Verilator
  // build each; the random co-simulation draws beats and buffers too)
  for (const c of WIDE_CASES.filter(([n, m]) => n === 16 && m === 6)) itWideCase(c);

  it('weights in SPRAM (memory "spram"): 20 -> 5, P = 2, beat 4, one buffer', { tags: ['tools'] }, async () => {
    const layer = dense({
      inputs: 20, outputs: 5, lanes: 2, beat: 4, buffers: 1, memory: 'spram', activation: 'relu',
      weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 3, scale: 0.5 },
      output: { format: { int: 1, frac: 6 } },
    });
    expect(layer.plan).toMatchObject({ memory: 'spram', beats: 5 });
    const { full } = await expectExact(layer, 60);
    expect(full.cycles.predictedPeriod).toBe(5 + 3 * 20);
  });



  it('cost: 784 -> 10, P = 4, beat 4 loads in 196 cycles; the run is unchanged', () => {
    const two = dense({ inputs: 784, outputs: 10, lanes: 4, beat: 4, weights: { init: 'random' } });
    expect(two.kind.cost(two.plan).cycles).toMatchObject({ latency: 196 + 3 * 784 + 3, period: 3 * 784 });
    const one = dense({ inputs: 784, outputs: 10, lanes: 4, beat: 4, buffers: 1, weights: { init: 'random' } });
    expect(one.kind.cost(one.plan).cycles).toMatchObject({ latency: 196 + 3 * 784 + 3, period: 196 + 3 * 784 });
    // the buffer: n/beat words of beat elements per buffer
    const xbuf = one.kind.resources!(one.plan, { name: 'fc', cycles: 1 }).memories[0];
    expect(xbuf).toMatchObject({ name: 'fc.xbuf', depth: 196, width: 32, writes: 196 });
  });

  it('RTL: a BEAT*X_W-bit s_data; Verilator -Wall, Icarus and yosys accept beat 2, 3 and 4, one and two buffers', { tags: ['tools'] }, async () => {
    for (const layer of [wide(12, 5, 2, 4, 2, 'hardtanh'), wide(12, 3, 1, 3, 1, 'relu'), dense({ inputs: 2, outputs: 1, beat: 2, weights: { init: 'random' } })]) {
      const rtl = layer.kind.rtl(layer.plan);
      const top = rtl.sources.find((s) => s.name === rtl.top + '.v')!.text;
      expect(top).toContain(`input  wire [${layer.plan.beat * layer.plan.xWidth - 1}:0] s_data`);
      expect(rtl.params).toMatchObject({ BEAT: layer.plan.beat });
      for (const r of await checkRtl(rtl.sources, rtl.top)) expect({ tool: r.tool, messages: r.messages }).toEqual({ tool: r.tool, messages: [] });
    }
  });
});

describe('dense RTL acceptance and inference', { tags: ['tools'] }, () => {
  it('Verilator -Wall, Icarus (Verilog-2005) and yosys accept the generated design', async () => {
    for (const layer of [
      dense({ inputs: 13, outputs: 7, lanes: 3, weights: { init: 'random' }, activation: 'hardtanh', memory: 'ebr' }),
      dense({ inputs: 1, outputs: 1, weights: { values: [[0.5]] } }),
    ]) {
      const rtl = layer.kind.rtl(layer.plan);
      expect(rtl.sources.map((s) => s.name)).toEqual(['requant.v', 'requant_act.v', 'dense_layer.v', 'dut_wrom.v', 'dut_brom.v', 'dut_top.v']);
      for (const r of await checkRtl(rtl.sources, rtl.top)) expect({ tool: r.tool, messages: r.messages }).toEqual({ tool: r.tool, messages: [] });
    }
  });

  it('synth_ice40 -device u -dsp: a 64 x 32 8-bit layer, P = 4, puts its weights in SB_RAM40_4K and multiplies in SB_MAC16', async () => {
    const layer = dense({ inputs: 64, outputs: 32, lanes: 4, weights: { init: 'random', seed: 1 } });
    const rtl = layer.kind.rtl(layer.plan);
    const tree: Record<string, string> = {};
    for (const s of rtl.sources) tree[s.name] = s.text;
    let log = '';
    const sink = (b: Uint8Array | null) => {
      if (b) log += new TextDecoder().decode(b);
    };
    await runYosys(['-p', `read_verilog ${Object.keys(tree).join(' ')}; synth_ice40 -device u -dsp -top ${rtl.top}; stat`], tree, {
      stdout: sink, stderr: sink,
    });
    const stat = log.slice(log.lastIndexOf('Printing statistics'));
    const count = (cell: string) => Number(new RegExp(`${cell}\\s+(\\d+)`).exec(stat)?.[1] ?? 0);
    // 2048 weights x 8 bits = 16 kbit = 4 blocks of 4 kbit (512 words of 32 bits), plus the input buffer
    expect(count('SB_RAM40_4K')).toBeGreaterThanOrEqual(4);
    expect(count('SB_MAC16')).toBe(4);
  });
});

describe('dense weights in SPRAM (memory "spram", preloaded in simulation)', { tags: ['tools'] }, () => {

  it('20 -> 5, P = 2 (16-bit words, last group padded): bit-exact under backpressure, cycles == prediction == the ROM layer\'s', async () => {
    const layer = dense(spramSpec(2));
    expect(layer.plan).toMatchObject({ memory: 'spram', wordWidth: 16, spramBlocks: 1, groups: 3 });
    const rom = dense({ ...spramSpec(2), memory: 'auto' });
    expect(rom.plan.memory).toBe('auto');
    expect(layer.kind.cost(layer.plan).cycles).toEqual(rom.kind.cost(rom.plan).cycles);
    const { full } = await expectExact(layer, 200);
    expect(full.cycles.predictedLatency).toBe(20 + 3 * 20 + 3);
    // the same answers as the ROM layer
    expect(expectedOutputs(layer, 50, 7)).toEqual(expectedOutputs(rom, 50, 7));
  });


  it('the RTL: a config port, dense_loader.v, the preload only outside synthesis; Verilator -Wall, Icarus and yosys accept it', async () => {
    const layer = dense(spramSpec(2));
    const rtl = layer.kind.rtl(layer.plan);
    expect(rtl.sources.map((s) => s.name)).toEqual(['requant.v', 'requant_act.v', 'dense_layer.v', 'dense_loader.v', 'dut_wrom.v', 'dut_brom.v', 'dut_top.v']);
    expect(rtl.extraPorts).toEqual([
      { name: 'cfg_we', dir: 'input', width: 1 }, { name: 'cfg_addr', dir: 'input', width: 2 }, { name: 'cfg_data', dir: 'input', width: 16 },
      { name: 'busy', dir: 'output', width: 1 },
    ]);
    const wmem = rtl.sources.find((s) => s.name === 'dut_wrom.v')!.text;
    expect(wmem).toContain('(* ram_style = "huge" *)');
    expect(wmem).toMatch(/`ifndef SYNTHESIS[\s\S]*initial begin[\s\S]*`endif/);
    for (const r of await checkRtl(rtl.sources, rtl.top)) expect({ tool: r.tool, messages: r.messages }).toEqual({ tool: r.tool, messages: [] });
  });

  it('synth_ice40 -device u -dsp maps the weights onto SB_SPRAM256KA: 784 -> 10, P = 1 in 1 block, 187 -> 128, P = 4 in 2 (32 bits wide)', async () => {
    const head = dense({ inputs: 784, outputs: 10, lanes: 1, memory: 'spram', weights: { init: 'random', seed: 1 } });
    const c1 = await synthCells(head.kind.rtl(head.plan).sources, head.kind.rtl(head.plan).top);
    expect([c1('SB_SPRAM256KA'), c1('SB_MAC16')]).toEqual([1, 1]);
    expect(head.plan.spramBlocks).toBe(1);
    // only the two input buffers (2 x 784 x 8) in EBR: 4 blocks; the 62,720-bit weight ROM would take 16
    expect(c1('SB_RAM40_4K')).toBe(4);
    const one = dense({ inputs: 784, outputs: 10, lanes: 1, memory: 'spram', buffers: 1, weights: { init: 'random', seed: 1 } });
    const c0 = await synthCells(one.kind.rtl(one.plan).sources, one.kind.rtl(one.plan).top);
    // "buffers": 1: one input buffer (784 x 8), 2 blocks
    expect(c0('SB_RAM40_4K')).toBe(2);
    // memory "auto" moves a ROM that needs more EBR than an UltraPlus has (48 > 30) into SPRAM
    const wide = dense({ inputs: 187, outputs: 128, lanes: 4, weights: { init: 'random', seed: 4 } });
    expect(wide.plan).toMatchObject({ memory: 'spram', ebrBlocks: 48, spramBlocks: 2, wordWidth: 32 });
    const c2 = await synthCells(wide.kind.rtl(wide.plan).sources, wide.kind.rtl(wide.plan).top);
    expect([c2('SB_SPRAM256KA'), c2('SB_MAC16')]).toEqual([2, 4]);
    // a ROM that an UltraPlus's EBR holds stays a ROM under "auto"
    expect(dense({ inputs: 784, outputs: 10, lanes: 2, weights: { init: 'random', seed: 1 } }).plan).toMatchObject({ memory: 'auto', ebrBlocks: 16, spramBlocks: 0 });
  });
});

describe('dense weight ROM split by depth ("memory": "ebr-split")', () => {
  // 150 -> 4, P = 2: 300 words of 16 bits, 2 EBR whole (512 x 8); split: words 0..255 in
  // 1 EBR, words 256..299 (44, not a power of two: the tail's index is addr[5:0]) in LUTs
  const spec = {
    inputs: 150, outputs: 4, lanes: 2,
    weights: { format: { int: 0, frac: 7 }, biasFormat: { int: 1, frac: 6 }, init: 'random', seed: 9, scale: 0.9 },
    output: { format: { int: 1, frac: 6 } }, activation: 'relu',
  };
  const whole = dense({ ...spec, memory: 'ebr' });
  const split = dense({ ...spec, memory: 'ebr-split' });

  it('the plan, cost, timing and resource faces: the same cycles, one EBR fewer, the tail in the inventory', () => {
    expect(whole.plan).toMatchObject({ memory: 'ebr', ebrBlocks: 2, tailWords: 0 });
    expect(split.plan).toMatchObject({ memory: 'ebr-split', ebrBlocks: 1, tailWords: 44 });
    expect(split.kind.cost(split.plan)).toEqual(whole.kind.cost(whole.plan));
    const inputs = Array.from({ length: 150 }, (_, i) => 3 + i);
    expect(split.kind.timing(split.plan).outputs(inputs)).toEqual(whole.kind.timing(whole.plan).outputs(inputs));
    const est = (l: LoadedLayer<DensePlan>) => predictResources(designFromPlan(planAny(l.spec), false), { part: 'UP5K', board: false });
    const w = est(whole).memories.find((m) => m.name === 'dut.wrom')!;
    const s = est(split).memories.find((m) => m.name === 'dut.wrom')!;
    expect([w.target, w.blocks, w.config]).toEqual(['ebr', 2, '512x8']);
    expect([s.target, s.blocks, s.chunks, s.logicTail]).toEqual(['ebr', 1, 1, 44]);
    expect(est(whole).total.ebr - est(split).total.ebr).toBe(1);
    const rom = split.kind.rtl(split.plan).sources.find((f) => f.name === 'dut_wrom.v')!.text;
    expect(rom).toContain('(* rom_style = "block" *) reg [15:0] rom_ebr [0:255];');
    expect(rom).toContain('(* rom_style = "logic" *) reg [15:0] rom_tail [0:43];');
    expect(rom).toContain('tail_q <= rom_tail[addr[5:0]];');
  });

  it('bit-exact against the reference under backpressure, every vector\'s cycles as predicted, the same outputs and cycles as the unsplit ROM', { tags: ['tools'] }, async () => {
    await expectSameAsBase(split, whole, 40, 12);
  });

  it('yosys (YoWASP synth_ice40 -device u -dsp) maps the split ROM as the resource model says: EBR exactly, LUT4 within a factor of two', { tags: ['tools'] }, async () => {
    const rtl = split.kind.rtl(split.plan);
    const rom = rtl.sources.filter((f) => f.name === 'dut_wrom.v');
    const cells = await synthCells(rom, 'dut_wrom');
    const mapping = predictResources(designFromPlan(planAny(split.spec), false), { part: 'UP5K', board: false }).memories.find((m) => m.name === 'dut.wrom')!;
    expect(cells('SB_RAM40_4K')).toBe(mapping.blocks);
    expect(cells('SB_RAM40_4K')).toBe(1);
    // the LUT model of the split (src/estimate/resources.ts splitLogic, fitted to yosys 0.23) prices 16 x (0.3276 x 0 +
    // 0.9742 x 3 + 1.6697) = 73.5 LUT4; YoWASP's yosys 0.55 mapped these weights in 118 (2026-12-07): a ROM's LUTs depend
    // on its contents and on the yosys version, so the LUT figure is an estimate, within a factor of two here
    const lut4 = cells('SB_LUT4');
    expect(lut4).toBeGreaterThanOrEqual(73.5 / 2);
    expect(lut4).toBeLessThanOrEqual(73.5 * 2);
  });

  it('refused, naming the field, where there is nothing to split or nothing saved', () => {
    expect(() => dense({ ...spec, inputs: 128 })).not.toThrow();
    expect(() => dense({ ...spec, inputs: 128, memory: 'ebr-split' })).toThrow(/^memory: "ebr-split" .* 256 words .* a multiple of 256: no tail to split/);
    expect(() => dense({ ...spec, inputs: 100, memory: 'ebr-split' })).toThrow(/^memory: "ebr-split" .* 200 words .* fewer than 256/);
    // 784 -> 10, P = 2: 3,920 words of 16 bits take 16 EBR whole and 16 for the first 3,840: nothing saved
    expect(() => dense({ inputs: 784, outputs: 10, lanes: 2, memory: 'ebr-split', weights: { init: 'random' } }))
      .toThrow(/^memory: "ebr-split" saves no EBR here: the weight ROM of dut has 3920 words \(groups x inputs\) of 16 bits, 16 EBR whole, 16 for its first 3840 words/);
    // P = 10 (the trained mnist-tvscm-fast head): 784 words of 80 bits, 20 EBR whole, 15 split with 16 words in LUTs
    expect(dense({ inputs: 784, outputs: 10, lanes: 10, memory: 'ebr-split', weights: { init: 'random' } }).plan).toMatchObject({ ebrBlocks: 15, tailWords: 16 });
    expect(dense({ inputs: 784, outputs: 10, lanes: 10, memory: 'ebr', weights: { init: 'random' } }).plan).toMatchObject({ ebrBlocks: 20, tailWords: 0 });
  });
});

describe('dense with two multiplies per DSP ("dsp": "dual8", rtl-templates/dsp_dual8.v)', () => {
  // 6-bit inputs (sign-extended to the DSP's 8), 8-bit weights, P = 3: lanes 0 and 1 share a DSP, lane 2 has one with an idle top half
  const spec = {
    inputs: 40, outputs: 7, lanes: 3, input: { int: 0, frac: 5 },
    weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 21, scale: 0.9 },
    output: { format: { int: 1, frac: 6 }, rounding: 'convergent' }, activation: 'relu',
  };
  const single = dense(spec);
  const dual = dense({ ...spec, dsp: 'dual8' });

  it('the plan, cost, timing and resource faces: the same schedule as "single", ceil(P/2) DSPs', () => {
    expect(single.plan).toMatchObject({ dsp: 'single', dspBlocks: 3 });
    expect(dual.plan).toMatchObject({ dsp: 'dual8', dspBlocks: 2 });
    expect(dual.kind.cost(dual.plan)).toEqual(single.kind.cost(single.plan));
    const inputs = Array.from({ length: 40 }, (_, i) => 10 + i);
    expect(dual.kind.timing(dual.plan).outputs(inputs)).toEqual(single.kind.timing(single.plan).outputs(inputs));
    const dsp = (l: LoadedLayer<DensePlan>) => predictResources(designFromPlan(planAny(l.spec), false), { part: 'UP5K' }).total.dsp;
    expect(dsp(single)).toBe(3);
    expect(dsp(dual)).toBe(2);
    const rtl = dual.kind.rtl(dual.plan);
    expect(rtl.sources.map((f) => f.name)).toContain('dsp_dual8.v');
    expect(rtl.params.DUAL8).toBe(1);
    expect(single.kind.rtl(single.plan).sources.map((f) => f.name)).not.toContain('dsp_dual8.v');
  });

  it('bit-exact under backpressure, every vector\'s cycles as predicted, and the same outputs as "single"', { tags: ['tools'] }, async () => {
    await expectSameAsBase(dual, single, 120, 30);
  });

  it('Verilator -Wall, Icarus and yosys accept it', { tags: ['tools'] }, async () => {
    const rtl = dual.kind.rtl(dual.plan);
    for (const r of await checkRtl(rtl.sources, rtl.top)) expect(r.messages, r.tool).toEqual([]);
  });

  it('gate level (the netlist of circa build\'s synthesis script, yosys\'s SB_MAC16 model) on Verilator: 2 SB_MAC16 in 8x8 mode, bit-exact, cycles as predicted', { tags: ['tools'] }, async () => {
    const dut = layerDut(dual);
    const gl = await synthesisedRtl(dut.rtl);
    const net = gl.sources[1].text;
    expect(net.match(/^\s*SB_MAC16\b/gm) ?? []).toHaveLength(2);
    expect(net.match(/\.MODE_8x8\(1'h1\)/g) ?? []).toHaveLength(2);
    const r = await cosim({ ...dut, label: `${dut.label}_gl`, rtl: gl }, { vectors: 30, seed: 3, simulator: 'verilator', validPct: 80, readyPct: 70 });
    expect(r.mismatches.map(formatMismatch)).toEqual([]);
    expect(r.exact).toBe(30);
    const full = await cosim({ ...dut, label: `${dut.label}_gl`, rtl: gl }, { vectors: 20, seed: 4, simulator: 'verilator' });
    expect(full.exact).toBe(20);
    expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: 20 });
  });
});

describe('dense reference and cost', () => {
  it('computes act(requant(W x + bias)) on an explicit example', () => {
    const layer = dense({
      inputs: 3, outputs: 2,
      input: { int: 3, frac: 0 },
      weights: { format: { int: 3, frac: 0 }, biasFormat: { int: 4, frac: 0 }, values: [[1, 2, 3], [-1, 0, 2]], bias: [4, -10] },
      output: { format: { int: 3, frac: 0 } },
      activation: 'relu',
    });
    // x = (1, 2, 3): row 0: 1 + 4 + 9 + 4 = 18 -> saturates to 7 (overflow); row 1: -1 + 6 - 10 = -5 -> ReLU 0
    expect(layer.kind.reference(layer.plan, [1, 2, 3])).toEqual({ y: [7, 0], overflow: true });
    // x = (0, 0, 1): row 0: 3 + 4 = 7; row 1: 2 - 10 = -8 (fits) -> ReLU 0
    expect(layer.kind.reference(layer.plan, [0, 0, 1])).toEqual({ y: [7, 0], overflow: false });
    expect(layer.kind.float(layer.plan, [1, 2, 3])).toEqual([18, 0]);
  });

  it('seeded random weights are deterministic and the float model tracks the fixed-point one', () => {
    const spec = { inputs: 40, outputs: 6, weights: { format: { int: 0, frac: 11 }, init: 'random', seed: 4, scale: 0.3 }, input: { int: 0, frac: 11 }, output: { format: { int: 4, frac: 11 } } };
    const a = dense(spec).plan;
    const b = dense(spec).plan;
    const c = dense({ ...spec, weights: { ...spec.weights, seed: 5 } }).plan;
    expect(a.w).toEqual(b.w);
    expect(a.bias).toEqual(b.bias);
    expect(a.w).not.toEqual(c.w);
    expect(Math.max(...a.wReal.flat().map(Math.abs))).toBeLessThanOrEqual(0.3);
    const layer = dense(spec);
    for (const v of makeVectors(20, 40, 12, 2)) {
      const y = layer.kind.reference(layer.plan, v.x).y.map((r) => layer.kind.outputToReal(layer.plan, r));
      const f = layer.kind.float(layer.plan, v.x);
      // 40 weights and a bias quantised to 2^-11 each (|error| <= 2^-12 * (sum |x| + 1)) plus the output rounding
      for (let i = 0; i < 6; i++) expect(Math.abs(y[i] - f[i])).toBeLessThan(41 * 2 ** -12 + 2 ** -12);
    }
  });

  it('cost: the cycle model and the counts', () => {
    const layer = dense({ inputs: 784, outputs: 10, lanes: 4, weights: { init: 'random' } });
    const c = layer.kind.cost(layer.plan);
    expect(c.cycles).toMatchObject({ latency: 784 + 3 * 784 + 3, period: 3 * 784 });
    expect(c.ops).toEqual({ multiplies: 7840, adds: 7840, weightReads: 7850, bufferWrites: 784, bufferReads: 3 * 784, parameters: 7850 });
    expect(c.hardware).toEqual({ multipliers: 4, bufferBits: 2 * 784 * 8, weightBits: 12 * (784 * 8 + 8) });
    // one input buffer: the old schedule, load then compute
    const one = dense({ inputs: 784, outputs: 10, lanes: 4, buffers: 1, weights: { init: 'random' } });
    expect(one.kind.cost(one.plan).cycles).toMatchObject({ latency: 784 + 3 * 784 + 3, period: 4 * 784 });
    expect(one.kind.cost(one.plan).hardware.bufferBits).toBe(784 * 8);
  });
});

describe('dense spec errors name the field', () => {
  const base = { kind: 'dense', inputs: 4, outputs: 2, weights: { init: 'random' } };
  const cases: [string, object, RegExp][] = [
    ['unknown field', { ...base, fanout: 3 }, /^fanout: unknown field "fanout"/],
    ['unknown weights field', { ...base, weights: { init: 'random', sead: 3 } }, /^weights\.sead: unknown field "sead"/],
    ['lanes above outputs', { ...base, lanes: 3 }, /^lanes: must be in 1\.\.2/],
    ['beat not dividing the inputs', { ...base, beat: 3 }, /^beat: must divide the inputs \(4\): one of 1, 2, 4, got 3$/],
    ['beat not dividing 784: the divisors, capped', { ...base, inputs: 784, beat: 5 },
      /^beat: must divide the inputs \(784\): one of 1, 2, 4, 7, 8, 14, 16, 28, 49, 56, 98, \.\.\., 784, got 5$/],
    ['beat 0', { ...base, beat: 0 }, /^beat: /],
    ['bad activation', { ...base, activation: 'tanh' }, /^activation: /],
    ['spram word wider than a WRITE_REG value', { ...base, inputs: 4, outputs: 8, lanes: 5, memory: 'spram' }, /^lanes: with "memory": "spram" a weight word \(lanes x weight width = 5 x 8 = 40 bits\).*at most 4 lanes/],
    ['spram too small', { ...base, inputs: 20000, outputs: 8, lanes: 4, memory: 'spram' }, /^memory: the weights need 6 SPRAM blocks \(40000 words of 32 bits.*more than the 4 of an UltraPlus/],
    ['no weight source', { ...base, weights: {} }, /^weights: give either "init": "random"/],
    ['both sources', { ...base, weights: { init: 'random', values: [[0, 0, 0, 0], [0, 0, 0, 0]] } }, /^weights: give either .* not both/],
    ['scale too large', { ...base, weights: { init: 'random', scale: 1.5 } }, /^weights\.scale: must be in \(0, 0\.9921875\]/],
    ['rows', { ...base, weights: { values: [[0, 0, 0, 0]] } }, /^weights\.values: expected 2 rows/],
    ['row length', { ...base, weights: { values: [[0, 0, 0, 0], [0, 0, 0]] } }, /^weights\.values\[1\]: expected 4 values/],
    ['weight out of range', { ...base, weights: { values: [[0, 0, 0, 0], [0, 0, 1.5, 0]] } }, /^weights\.values\[1\]\[2\]: 1\.5 does not fit: allowed -1\.\.0\.9921875/],
    ['raw weight not an integer', { ...base, weights: { raw: true, values: [[0, 0.5, 0, 0], [0, 0, 0, 0]] } }, /^weights\.values\[0\]\[1\]: raw value 0\.5 does not fit/],
    ['bias out of range', { ...base, weights: { values: [[0, 0, 0, 0], [0, 0, 0, 0]], bias: [0, -2] } }, /^weights\.bias\[1\]: -2 does not fit/],
    ['bias length', { ...base, weights: { values: [[0, 0, 0, 0], [0, 0, 0, 0]], bias: [0] } }, /^weights\.bias: expected 2 values/],
    ['seed with values', { ...base, weights: { seed: 2, values: [[0, 0, 0, 0], [0, 0, 0, 0]] } }, /^weights\.seed: only used with "init": "random"/],
    ['bias fraction', { ...base, weights: { init: 'random', biasFormat: { int: 0, frac: 15 } } }, /^weights\.biasFormat\.frac: must be in 0\.\.14/],
    ['output fraction', { ...base, output: { format: { int: 0, frac: 20 } } }, /^output\.format\.frac: must be in 0\.\.14/],
    ['dual8 with 9-bit weights', { ...base, name: 'fc9', dsp: 'dual8', weights: { init: 'random', format: { int: 1, frac: 7 } } },
      /^dsp: "dual8" packs two 8 x 8 multiplies per SB_MAC16, but fc9 multiplies Q0\.7 \(8 bits\) inputs by Q1\.7 \(9 bits\) weights: use formats of at most 8 bits, or "dsp": "single"$/],
    ['dsp mode unknown', { ...base, dsp: 'quad4' }, /^dsp: /],
    ['accumulator too wide', { ...base, inputs: 40000, input: { int: 15, frac: 16 }, weights: { init: 'random', format: { int: 15, frac: 0 } } }, /^inputs: the accumulator would need \d+ bits .*limit 48/],
  ];
  for (const [what, spec, message] of cases) {
    it(what, () => {
      let err: unknown;
      try {
        loadLayerSpec(spec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CircaInputError);
      expect((err as Error).message).toMatch(message);
    });
  }
});
