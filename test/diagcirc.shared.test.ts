/**
 * Two diag-circulant layers on one folded engine (fft.shareEngine,
 * src/layers/diag-circulant/fused.ts): the fused layer's bit-exact model
 * equals the two layers' own references applied one after the other, value
 * for value and overflow flag; co-simulation of the fused RTL is bit-exact
 * with cycles == prediction at full rate and under random stalls; and every
 * refused fusion exits with a message naming fft.shareEngine.
 */
import { describe, expect, it } from 'vitest';
import { planAny } from '../src/network/plan.ts';
import { CircaInputError } from '../src/errors.ts';
import { mulberry32 } from '../src/fft/index.ts';
import { cosim, formatMismatch, type CosimReport } from '../src/sim/cosim.ts';
import { cosimLayer, layerDut } from '../src/network/layer-dut.ts';
import { networkDut } from '../src/network/cosim.ts';
import { checkRtl } from '../src/sim/lint.ts';
import { header, instance, portList, streamPorts } from '../src/verilog/index.ts';
import { pairLoadWords, pairRtl, type DiagCirculantPairPlan } from '../src/layers/diag-circulant/fused.ts';

const STALLS = { validPct: 75, readyPct: 65 };

function expectExact(r: CosimReport): void {
  expect(r.mismatches.map(formatMismatch)).toEqual([]);
  expect(r.exact).toBe(r.vectors);
  expect(r.overflowGot).toBe(r.overflowExpected);
}

function dc(name: string, seed: number, extra: Record<string, unknown> = {}, fft: Record<string, unknown> = {}) {
  return {
    kind: 'diag-circulant', name, inputs: 12, outputs: 12, size: 16,
    input: { int: 0, frac: 7 },
    weights: { init: 'random', seed, scale: 0.6 },
    fft: { architecture: 'folded', butterflies: 1, dataWidth: 16, twiddleWidth: 16, multipliers: 4, ...fft },
    output: { format: { int: 0, frac: 7 } },
    activation: 'relu',
    ...extra,
  };
}

export function pairNetwork(opts: { fft2?: Record<string, unknown>; second?: Record<string, unknown>; first?: Record<string, unknown> } = {}) {
  return {
    network: 'pair16',
    layers: [dc('dca', 3, opts.first ?? {}), dc('dcb', 4, opts.second ?? {}, { shareEngine: true, ...(opts.fft2 ?? {}) })],
  };
}

function randomInputs(n: number, count: number, seed: number): number[][] {
  const rnd = mulberry32(seed);
  return Array.from({ length: count }, () => Array.from({ length: n }, () => Math.floor(rnd() * 256) - 128));
}

describe('fft.shareEngine: two diag-circulant layers on one folded engine', () => {
  it('the fused reference equals the two layers applied one after the other (values and overflow)', () => {
    for (const variant of [
      {}, { fft2: { scaling: [0, 1, 0, 1] } }, { second: { weights: { init: 'random', seed: 9, scale: 3 } } },
      { second: { memory: 'spram', weights: { init: 'random', seed: 5, diagFormat: { int: 2, frac: 7 }, biasFormat: { int: 0, frac: 5 } } } },
    ]) {
      const fused = planAny(pairNetwork(variant));
      const apart = planAny(pairNetwork(variant), '', { fuse: false });
      expect(fused.layers.length).toBe(1);
      expect(apart.layers.length).toBe(2);
      const f = fused.layers[0];
      const [a, b] = apart.layers;
      let overflows = 0;
      for (const x of randomInputs(12, 200, 7)) {
        const ra = a.kind.reference(a.plan, x);
        const rb = b.kind.reference(b.plan, ra.y);
        const rf = f.kind.reference(f.plan, x);
        expect(rf.y).toEqual(rb.y);
        expect(rf.overflow).toBe(ra.overflow || rb.overflow);
        if (rf.overflow) overflows++;
      }
      // the third variant's large second spectrum overflows for some vectors: the flag is exercised both ways
      if ('second' in variant && variant.second?.weights.seed === 9) expect(overflows).toBeGreaterThan(0);
    }
  });

  it('the mnist-diagcirc example fuses dc1 and dc2 into one layer, with the same numerics', () => {
    const spec = JSON.parse(require('node:fs').readFileSync(new URL('../examples/mnist-diagcirc.json', import.meta.url), 'utf8'));
    const fused = planAny(spec);
    const apart = planAny(spec, '', { fuse: false });
    expect(fused.layers.map((l) => (l.plan as { name: string }).name)).toEqual(['dc1_dc2', 'fc10', 'class']);
    const f = fused.layers[0];
    const [a, b] = apart.layers;
    for (const x of randomInputs(784, 3, 11).map((v) => v.map((e) => Math.min(127, Math.abs(e))))) {
      const ra = a.kind.reference(a.plan, x);
      const rb = b.kind.reference(b.plan, ra.y);
      const rf = f.kind.reference(f.plan, x);
      expect(rf.y).toEqual(rb.y);
      expect(rf.overflow).toBe(ra.overflow || rb.overflow);
    }
    expect(() => f.kind.reference(f.plan, new Array(784).fill(128))).toThrow(/dc1_dc2 \(diag-circulant-pair\): input 0 is 128/);
  });

  const refused: [string, unknown, RegExp][] = [
    ['the first layer', { network: 'n', layers: [dc('dca', 3, {}, { shareEngine: true }), dc('dcb', 4)] }, /^layers\[0\]\.fft\.shareEngine: the first layer has no previous layer/],
    ['a single layer', dc('dca', 3, {}, { shareEngine: true }), /^fft\.shareEngine: a single layer has no previous layer/],
    ['after a dense layer', {
      network: 'n', layers: [
        { kind: 'dense', name: 'fc', inputs: 12, outputs: 12, input: { int: 0, frac: 7 }, weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 1 }, output: { format: { int: 0, frac: 7 } } },
        dc('dcb', 4, {}, { shareEngine: true })],
    }, /^layers\[1\]\.fft\.shareEngine: the previous layer is a dense layer/],
    ['a streaming previous layer', { network: 'n', layers: [dc('dca', 3, {}, { architecture: 'streaming', butterflies: undefined }), dc('dcb', 4, {}, { shareEngine: true })] },
      /^layers\[1\]\.fft\.shareEngine: the previous layer \(dca\) uses the streaming FFT/],
    ['a streaming layer', { network: 'n', layers: [dc('dca', 3), dc('dcb', 4, {}, { shareEngine: true, architecture: 'streaming', butterflies: undefined })] },
      /^layers\[1\]\.fft\.shareEngine: shares the previous layer's folded FFT engine, so it needs "architecture": "folded"/],
    ['another K', pairNetwork({ second: { size: 32 } }), /^layers\[1\]\.fft\.shareEngine: the shared engine needs the same circulant size K in both layers: dca has 16, this layer 32/],
    ['another dataWidth', pairNetwork({ fft2: { dataWidth: 18 } }), /^layers\[1\]\.fft\.shareEngine: the shared engine needs the same fft\.dataWidth/],
    ['another twiddleWidth', pairNetwork({ fft2: { twiddleWidth: 14 } }), /^layers\[1\]\.fft\.shareEngine: the shared engine needs the same fft\.twiddleWidth/],
    ['another rounding', pairNetwork({ fft2: { rounding: 'truncate' } }), /^layers\[1\]\.fft\.shareEngine: the shared engine needs the same fft\.rounding/],
    ['other butterflies', pairNetwork({ fft2: { butterflies: 2 } }), /^layers\[1\]\.fft\.shareEngine: the shared engine needs the same fft\.butterflies/],
    ['other multipliers', pairNetwork({ fft2: { multipliers: 3 } }), /^layers\[1\]\.fft\.shareEngine: the shared engine needs the same fft\.multipliers/],
    ['a circulant layer', {
      network: 'n', layers: [dc('dca', 3), { kind: 'circulant', name: 'cb', inputs: 12, outputs: 12, input: { int: 0, frac: 7 }, fft: { architecture: 'folded', shareEngine: true }, output: { format: { int: 0, frac: 7 } } }],
    }, /^layers\[1\]\.fft\.shareEngine: only a folded diag-circulant layer/],
  ];
  for (const [what, spec, message] of refused) {
    it(`refuses fft.shareEngine on ${what}, naming the field`, () => {
      let err: unknown;
      try {
        planAny(spec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CircaInputError);
      expect((err as Error).message).toMatch(message);
    });
  }
});

describe('the shared engine in Verilator', { tags: ['tools'] }, () => {
  // the second layer's spectrum in another format (a second product shift, SH_P2) and another scaling schedule
  const VARIANTS: [string, Parameters<typeof pairNetwork>[0]][] = [
    ['same formats', {}],
    ['second spectrum scaled up, own scaling', { second: { weights: { init: 'random', seed: 9, scale: 1.5 } }, fft2: { scaling: [0, 1, 0, 1] } }],
    ['d and b in SPRAM, other d/b formats in the second', {
      second: { memory: 'spram', weights: { init: 'random', seed: 5, diagFormat: { int: 2, frac: 7 }, biasFormat: { int: 0, frac: 5 } } },
    }],
  ];
  it('lint, Icarus and yosys are clean', async () => {
    for (const [what, v] of VARIANTS) {
      const l = planAny(pairNetwork(v)).layers[0];
      const rtl = l.kind.rtl(l.plan);
      const checks = await checkRtl(rtl.sources, rtl.top);
      expect(checks.filter((c) => !c.ok).map((c) => `${what} ${c.tool}: ${c.messages.slice(0, 5).join(' | ')}`)).toEqual([]);
    }
  });

  for (const [what, v] of VARIANTS) {
    it(`K = 16, two layers (${what}): bit-exact under stalls and at full rate, cycles == timing()`, async () => {
      const l = planAny(pairNetwork(v)).layers[0];
      const p = l.plan as { first: { core: { pmulRequant: { shift: number } } }; second: { core: { pmulRequant: { shift: number } } } };
      if (what !== 'same formats') expect(p.first.core.pmulRequant.shift).not.toBe(p.second.core.pmulRequant.shift);
      const stalled = await cosimLayer(l, { vectors: 40, seed: 7, ...STALLS });
      expectExact(stalled);
      const full = await cosimLayer(l, { vectors: 12, seed: 8 });
      expectExact(full);
      // every vector's latency and period checked against the prediction as its stamps arrived
      expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
    });
  }

  it('in a network before a dense layer: bit-exact, cycles composed exactly', async () => {
    const spec = pairNetwork();
    const net = planAny({
      ...spec,
      layers: [...spec.layers, {
        kind: 'dense', name: 'fc', inputs: 12, outputs: 4, input: { int: 0, frac: 7 },
        weights: { format: { int: 0, frac: 7 }, init: 'random', seed: 1 }, output: { format: { int: 3, frac: 4 } },
      }],
    });
    expect(net.layers.length).toBe(2);
    const dut = networkDut(net);
    expectExact(await cosim(dut, { vectors: 20, seed: 2, ...STALLS }));
    const full = await cosim(dut, { vectors: 8, seed: 3 });
    expectExact(full);
    // every vector's latency and period checked against the prediction as its stamps arrived
    expect({ match: full.cycles.match, mismatches: full.cycles.mismatches, checked: full.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: full.vectors });
  });
});

describe('the shared engine with d and b in SPRAM: the registers face', () => {
  const spec = pairNetwork({ second: { memory: 'spram' } });
  const l = planAny(spec).layers[0];

  it('has a config port only with SPRAM, and refuses "memory": "spram" without fft.shareEngine', () => {
    expect(l.kind.rtl(l.plan).extraPorts.map((p) => p.name)).toEqual(['busy', 'cfg_we', 'cfg_addr', 'cfg_data']);
    const rom = planAny(pairNetwork()).layers[0];
    expect(rom.kind.registers?.(rom.plan)).toBeNull();
    expect(() => planAny(dc('dca', 3, { memory: 'spram' }))).toThrow(/^memory: "spram" keeps the d and b of two layers sharing one engine in SPRAM; it needs "fft": \{ "shareEngine": true \}/);
  });

  it('setup loads 24 words; the model computes with what the memory holds', () => {
    const regs = l.kind.registers!(l.plan)!;
    const setup = regs.setup();
    expect(setup.writes.length).toBe(1 + 24);
    expect(setup.writes[0]).toEqual({ reg: 0, value: 0 });
    const xs = randomInputs(12, 20, 3);
    const before = xs.map((x) => regs.reference(x).y);
    expect(before).toEqual(xs.map((x) => l.kind.reference(l.plan, x).y));
    // rewriting the spec's words changes nothing
    for (const w of setup.writes) expect(regs.write(w.reg, w.value).applied).toBe(true);
    expect(xs.map((x) => regs.reference(x).y)).toEqual(before);
    // word 12 is the second layer's d[0], b[0]: d = 0 zeroes output 0 (bias 0 too), unless the ReLU already did
    regs.write(0, 0);
    for (let i = 0; i < 12; i++) regs.write(1, setup.writes[1 + i].value);
    expect(regs.write(1, 0).effect).toMatch(/^word 12: dcb d\[0\] = 0, b\[0\] = 0 \(not the spec's\)/);
    const after = xs.map((x) => regs.reference(x).y);
    expect(after.every((y) => y[0] === 0)).toBe(true);
    expect(after.map((y) => y.slice(1))).toEqual(before.map((y) => y.slice(1)));
    expect(before.some((y) => y[0] !== 0)).toBe(true);
    expect(regs.write(2, 5).applied).toBe(false);
  });
});

describe('the shared engine with d and b in SPRAM: the load path', { tags: ['tools'] }, () => {
  it('d and b written through the config port into an empty memory give the same outputs', async () => {
    // the pair with an empty (not preloaded) SPRAM model, behind a test wrapper that first
    // writes every word through cfg_addr 1 (dense_loader.v), then lets the stream through
    const layer = planAny(pairNetwork({ second: { memory: 'spram' } })).layers[0];
    const p = layer.plan as DiagCirculantPairPlan;
    const rtl = pairRtl(p, { preload: false });
    expect(rtl.sources.find((s) => s.name === 'dca_dcb_top_dbmem.v')!.text).not.toContain('initial begin');
    const words = pairLoadWords(p);
    const text = `${header('ld_wrap: test-only wrapper that loads d and b through the config port after reset', { words: words.length })}
module ld_wrap (
${portList(streamPorts(rtl.io))}
);
    reg [15:0] words [0:${words.length - 1}];
    initial begin
${words.map((w, i) => `        words[${i}] = 16'h${w.toString(16)};`).join('\n')}
    end
    reg [4:0] idx;
    reg loading;
    always @(posedge clk) begin
        if (rst) begin
            idx <= 5'd0;
            loading <= 1'b1;
        end else if (loading) begin
            if (idx == 5'd${words.length - 1}) loading <= 1'b0;
            idx <= idx + 1'b1;
        end
    end
    wire l_ready, busy;
${instance(rtl.top, 'u_layer', {}, {
      clk: 'clk', rst: 'rst', cfg_we: 'loading', cfg_addr: "2'd1", cfg_data: 'words[idx]',
      s_valid: 's_valid & ~loading', s_ready: 'l_ready', s_data: 's_data', s_last: 's_last',
      m_valid: 'm_valid', m_ready: 'm_ready', m_data: 'm_data', m_keep: 'm_keep', m_last: 'm_last', ovf: 'ovf', busy: 'busy',
    }, '    ')}
    assign s_ready = l_ready & ~loading;
endmodule
`;
    expect(words.length).toBe(24);
    const dut = { ...layerDut(layer), label: 'ld_wrap', rtl: { ...rtl, sources: [...rtl.sources, { name: 'ld_wrap.v', text }], top: 'ld_wrap' } };
    expectExact(await cosim(dut, { vectors: 30, seed: 3, ...STALLS }));
  });
});

describe('the shared engine with d and b in SPRAM: circa run loads them into an empty SPRAM (simulated device)', { tags: ['tools'] }, () => {
  it('without the load the answers differ; runOnDevice loads the 24 words, then every vector matches with cycles as predicted', async () => {
    const { designFromPlan } = await import('../src/network/design.ts');
    const { withRtl } = await import('../src/network/plan.ts');
    const { networkRtl } = await import('../src/network/rtl.ts');
    const { protoDesign } = await import('../src/network/proto-top.ts');
    const { startUartSession } = await import('../src/sim/uart.ts');
    const { runOnDevice } = await import('../src/host/run.ts');
    const { makeVectors } = await import('../src/sim/vectors.ts');
    const net = planAny(pairNetwork({ second: { memory: 'spram' } }));
    const spec = designFromPlan(net, true);
    const pair = net.layers[0];
    // the device as on the chip: the simulated SPRAM starts empty (no preload); model and cost from the same plan
    const device = { ...net, layers: [withRtl(pair, pairRtl(pair.plan as DiagCirculantPairPlan, { preload: false }))] };
    const design = { ...spec, rtl: () => networkRtl(device) };
    expect(design.rtl().sources.find((f) => f.name === 'dca_dcb_top_dbmem.v')!.text).not.toContain('initial begin');
    const inputs = makeVectors(10, 12, 8, 21).map((v) => v.x);
    const sim = await startUartSession(protoDesign(design.rtl(), { clksPerBit: 8, timeoutBits: 200 }), { clksPerBit: 8 });
    try {
      const before = await runOnDevice(design, sim, inputs.slice(0, 4), { syncRegisters: false, status: true });
      expect(before.syncSkipped).toBe(true);
      expect(before.pass).toBe(false);
      const r = await runOnDevice(design, sim, inputs, { status: true });
      expect(r.sync.map((s) => [s.name, s.writes, s.summary])).toEqual([['dca_dcb', 25, 'loaded d and b of dca and dcb into SPRAM (24 words of 16 bits)']]);
      expect(r.matched).toBe(inputs.length);
      for (const [k, v] of r.vectors.entries()) expect(v.outputs).toEqual(pair.kind.reference(pair.plan, inputs[k]).y);
      expect(r.status!.device.lastCycles).toBe(design.cost().latency);
      expect(r.pass).toBe(true);
    } finally {
      await sim.end().catch(() => undefined);
    }
  });
});
