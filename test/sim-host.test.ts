/**
 * The co-simulation host (src/sim/stream.ts, src/sim/cosim.ts): the binary
 * records of the harness decoded across any chunk split, runs with more
 * vectors than a chunk on both back ends, a one-bit corruption of the
 * harness's output caught and reported with its vector, a wrong cycle
 * prediction reported with its vector, the reference model run once per
 * vector set (or once per run, for a set too large to keep its outputs, with
 * the same results), and the running cycle figures of the streaming check.
 */
import { describe, expect, it } from 'vitest';
import { loadLayerSpec } from '../src/layers/load.ts';
import { cosim, vectorSet, type DesignUnderTest } from '../src/sim/cosim.ts';
import { layerDut } from '../src/network/layer-dut.ts';
import { elementsInput, OUTPUT_MAGIC, packLanes, RecordReader, simulateStream, type StreamInterface, type StreamSink } from '../src/sim/stream.ts';
import { randomSpecs } from './backends.ts';
import { vectorStream } from '../src/sim/vectors.ts';
import { CircaError } from '../src/errors.ts';

type Event = ['v', number, number] | ['b', number, number, number, boolean, number, number[]];

function recorder(): StreamSink & { events: Event[] } {
  const events: Event[] = [];
  return {
    events,
    vectorStart: (k, cycle) => void events.push(['v', k, cycle]),
    beat: (k, beat, cycle, last, keep, lanes) => void events.push(['b', k, beat, cycle, last, keep, Array.from(lanes)]),
  };
}

/** harness records by hand: the header, then [tag, cycle, aux, lanes] records of 4 + lanes*laneWords words */
function records(io: StreamInterface, recs: [number, number, number, number[]][]): Uint8Array {
  const lw = Math.ceil(io.outWidth / 32);
  const rw = 4 + io.outLanes * lw;
  const words = new Uint32Array(4 + recs.length * rw);
  words.set([OUTPUT_MAGIC, 1, io.outLanes, lw]);
  recs.forEach(([tag, cycle, aux, lanes], r) => {
    const at = 4 + r * rw;
    words.set([tag, cycle % 2 ** 32, Math.floor(cycle / 2 ** 32), aux], at);
    lanes.forEach((v, l) => {
      let u = BigInt.asUintN(io.outWidth, BigInt(v));
      for (let i = 0; i < lw; i++, u >>= 32n) words[at + 4 + l * lw + i] = Number(u & 0xffffffffn);
    });
  });
  return new Uint8Array(words.buffer);
}

describe('the binary records', () => {
  // two vectors of two beats, two lanes of 40 bits (two words a lane), a cycle past 2^32
  const io: StreamInterface = { inLanes: 1, inWidth: 8, outLanes: 2, outWidth: 40, inBeats: 3, outBeats: 2 };
  const big = 2 ** 39 - 1;
  const bytes = records(io, [
    [1, 5, 0, [0, 0]],
    [2, 9, 3, [-1, big]],
    [1, 7, 1, [0, 0]],
    [2 | 0x100, 10, 1, [-(2 ** 39), 17]],
    [2, 2 ** 32 + 3, 2, [123, -5]],
    [2 | 0x100, 2 ** 32 + 4, 3, [0, -big]],
    [3, 2 ** 32 + 5, 1, [250, 0]],
  ]);
  const expected: Event[] = [
    ['v', 0, 5], ['b', 0, 0, 9, false, 3, [-1, big]], ['v', 1, 7], ['b', 0, 1, 10, true, 1, [-(2 ** 39), 17]],
    ['b', 1, 0, 2 ** 32 + 3, false, 2, [123, -5]], ['b', 1, 1, 2 ** 32 + 4, true, 3, [0, -big]],
  ];

  it('decode the same whatever the chunks: every split point, and byte by byte', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const sink = recorder();
      const reader = new RecordReader(io, 2, 'dut', sink);
      reader.push(bytes.slice(0, cut));
      reader.push(bytes.slice(cut));
      expect(reader.finish(), `cut at ${cut}`).toEqual({ totalCycles: 2 ** 32 + 5, overflow: true, cpuSeconds: 0.25 });
      expect(sink.events, `cut at ${cut}`).toEqual(expected);
    }
    const sink = recorder();
    const reader = new RecordReader(io, 2, 'dut', sink);
    for (const b of bytes) reader.push(Uint8Array.of(b));
    reader.finish();
    expect(sink.events).toEqual(expected);
  });

  it('a run cut short, an extra beat or a bad header is a protocol error naming the design', () => {
    const short = new RecordReader(io, 2, 'dut', recorder());
    short.push(bytes.slice(0, bytes.length - 1));
    expect(() => short.finish()).toThrow(/harness protocol error \(dut\): no end record/);
    const extra = new RecordReader(io, 1, 'dut', recorder());
    expect(() => extra.push(bytes)).toThrow(/harness protocol error \(dut\): more output beats than 1 vectors of 2/);
    const bad = new RecordReader({ ...io, outLanes: 3 }, 2, 'dut', recorder());
    expect(() => bad.push(bytes)).toThrow(CircaError);
  });

  it('input beats pack lanes across 32-bit words, two\'s complement', () => {
    // three 13-bit lanes: lane 2 straddles words 0 and 1
    const io3: StreamInterface = { inLanes: 3, inWidth: 13, outLanes: 1, outWidth: 8, inBeats: 2, outBeats: 1 };
    const into = new Uint32Array(4);
    elementsInput(io3, 1, () => [-1, 4095, -4096, 1, 0, -2]).pack(0, into);
    const beat = (w0: number, w1: number) => (BigInt(w1) << 32n) | BigInt(w0);
    const lanes = (b: bigint) => [0, 1, 2].map((l) => Number(BigInt.asIntN(13, b >> BigInt(13 * l))));
    expect(lanes(beat(into[0], into[1]))).toEqual([-1, 4095, -4096]);
    expect(lanes(beat(into[2], into[3]))).toEqual([1, 0, -2]);
    const one = new Uint32Array(2);
    packLanes(one, 0, [-3], 40);
    expect(Number(BigInt.asIntN(40, (BigInt(one[1]) << 32n) | BigInt(one[0])))).toBe(-3);
  });
});

// a small TVSCM layer for Verilator (n = 13, P = 4: the last row holds one lane)
const tvscm = () => loadLayerSpec({
  kind: 'tvscm', name: 'host', n: 13, lanes: 4, placement: { type: 'band', radius: 2 },
  weights: { format: { int: 1, frac: 6 }, a: 0.75, b: -0.3125 }, output: { format: { int: 1, frac: 6 } },
});

describe('co-simulation runs through the binary host (Verilator)', { tags: ['tools'] }, () => {
  it('more vectors than a chunk: the same results whatever the chunk size, bit-exact, cycles as predicted', async () => {
    const dut = layerDut(tvscm());
    const set = vectorSet(dut, { vectors: 300, seed: 4 });
    // 64-byte chunks: one vector of input per chunk, output records (20 bytes) cut across chunks
    const small = await cosim(dut, { set, seed: 4, chunkBytes: 64, simulator: 'verilator', keepCycles: true });
    const large = await cosim(dut, { set, seed: 4, simulator: 'verilator', keepCycles: true });
    expect(small.mismatches).toEqual([]);
    expect(small.exact).toBe(300);
    expect(small.cycles.match).toBe(true);
    // every vector's latency and period checked against the prediction as its stamps arrived
    expect({ match: small.cycles.match, mismatches: small.cycles.mismatches, checked: small.cycles.latency.measured.count }).toEqual({ match: true, mismatches: [], checked: small.vectors });
    expect(small.cycles.measuredLatency).toEqual(large.cycles.measuredLatency);
    expect(small.sim.totalCycles).toBe(large.sim.totalCycles);
    const stalled = await cosim(dut, { set, seed: 5, validPct: 60, readyPct: 55, chunkBytes: 100, simulator: 'verilator', keepOutputs: true });
    expect(stalled.exact).toBe(300);
    expect(stalled.outputs).toEqual(stalled.expected);
    expect(stalled.outputs).toHaveLength(300);
  });

  it('a one-bit corruption of the harness\'s output is caught and reported with its vector, output and cycle', async () => {
    const dut = layerDut(tvscm());
    const set = vectorSet(dut, { vectors: 40, seed: 2 });
    const io = dut.rtl.io;
    // n = 13, P = 4: four lanes a beat, one word a lane, 8-bit outputs
    expect({ lanes: io.outLanes, width: io.outWidth }).toEqual({ lanes: 4, width: 8 });
    const recordBytes = 4 * (4 + io.outLanes * Math.ceil(io.outWidth / 32));
    // flip bit 3 of output beat `beat` of vector 17: its record is after the header, the vector-start records of
    // vectors 0..17 and the output records before it (full rate: vector k+1 starts before vector k's outputs end)
    const plain = await simulateStream(dut.rtl, Array.from(set.vectors(), (v) => v.x.map((e) => [e])), { simulator: 'verilator' });
    const k = 17;
    const beat = 1;
    const lane = 2;
    expect(plain.beats[k][beat].keep).toBe(0b1111);
    const index = beat * 4 + lane;
    const cycle = plain.beats[k][beat].cycle;
    const before = plain.firstIn.filter((c) => c <= cycle).length + plain.beats.flat().filter((b) => b.cycle < cycle).length;
    const at = 16 + before * recordBytes + 16 + 4 * lane; // the lane's word in that record
    const flips: number[] = [];
    const r = await cosim(dut, {
      set, simulator: 'verilator', chunkBytes: 48,
      tamper: (chunk, offset) => {
        if (at >= offset && at < offset + chunk.length) { chunk[at - offset] ^= 1 << 3; flips.push(at); }
      },
    });
    expect(flips).toEqual([at]);
    expect(r.exact).toBe(39);
    expect(r.wrongOutputs).toBe(1);
    expect(r.mismatches).toHaveLength(1);
    const m = r.mismatches[0];
    expect({ vector: m.vector, index: m.index, beat: m.beat, lane: m.lane, cycle: m.cycle }).toEqual({ vector: k, index, beat, lane, cycle });
    // an 8-bit output: bit 3 flipped, the sign bit (7) kept
    expect(m.expected).toBe(plain.outputs[k][index]);
    expect(m.got).toBe(plain.outputs[k][index] ^ (1 << 3));
  });

  it('a wrong reference or a wrong cycle prediction is reported with its vector; the model runs once per vector set', async () => {
    const base = layerDut(tvscm());
    let calls = 0;
    const dut: DesignUnderTest = {
      ...base,
      // output 4 of vector 9 one too high
      reference: (x) => {
        calls++;
        const r = base.reference(x);
        return calls === 10 ? { ...r, y: r.y.map((v, i) => (i === 4 ? v + 1 : v)) } : r;
      },
      // vector 6's last output one cycle later than it is
      timeline: (count) => {
        const t = base.timeline(count);
        return { firstIn: t.firstIn, lastOut: t.lastOut.map((c, k) => (k === 6 ? c + 1 : c)) };
      },
    };
    const full = await cosim(dut, { vectors: 30, seed: 6, simulator: 'verilator', keepCycles: true });
    const stalled = await cosim(dut, { vectors: 30, seed: 6, validPct: 70, readyPct: 60, simulator: 'verilator' });
    expect(calls).toBe(30);
    for (const r of [full, stalled]) {
      expect(r.exact).toBe(29);
      expect(r.mismatches.map((m) => [m.vector, m.index, (m.expected as number) - (m.got as number)])).toEqual([[9, 4, 1]]);
    }
    expect(full.cycles.match).toBe(false);
    expect(full.cycles.mismatches).toEqual([{
      vector: 6, measuredLatency: full.cycles.predictedLatencies![6] - 1, predictedLatency: full.cycles.predictedLatencies![6],
      measuredPeriod: full.cycles.predictedPeriods![6], predictedPeriod: full.cycles.predictedPeriods![6],
    }]);
  });
  it('a set too large to keep its reference outputs: the model runs once per run (queued from the packer through the pipe), every result as with kept outputs', async () => {
    const base = layerDut(tvscm());
    const bad = JSON.stringify([...vectorStream(30, base.inputs, base.inWidth, 6)][9].x);
    let calls = 0;
    const dut: DesignUnderTest = {
      ...base,
      // output 4 of vector 9 one too high (recognised by its elements: a run that recomputes calls the model again)
      reference: (x) => {
        calls++;
        const r = base.reference(x);
        return JSON.stringify(x) === bad ? { ...r, y: r.y.map((v, i) => (i === 4 ? v + 1 : v)) } : r;
      },
      // vector 6's last output one cycle later than it is; vector 20's first input one cycle later
      timeline: (count) => {
        const t = base.timeline(count);
        return { firstIn: t.firstIn.map((c, k) => (k === 20 ? c + 1 : c)), lastOut: t.lastOut.map((c, k) => (k === 6 ? c + 1 : c)) };
      },
    };
    const opts = { vectors: 30, seed: 6, simulator: 'verilator' as const, keepCycles: true, keepOutputs: true };
    const kept = await cosim(dut, opts);
    expect(vectorSet(dut, opts).cached).toBe(true);
    expect(calls).toBe(30);
    calls = 0;
    const lean = { ...opts, referenceCacheValues: 0 };
    expect(vectorSet(dut, lean).cached).toBe(false);
    // 64-byte chunks: the packer runs ahead of the comparison by many vectors
    const full = await cosim(dut, { ...lean, chunkBytes: 64 });
    expect(calls).toBe(30);
    const stalled = await cosim(dut, { ...lean, validPct: 70, readyPct: 60 });
    expect(calls).toBe(60);
    const { sim: _k, ...a } = kept;
    const { sim: _f, ...b } = full;
    expect(b).toEqual(a);
    expect(full.exact).toBe(29);
    expect(full.mismatches.map((m) => [m.vector, m.index, (m.expected as number) - (m.got as number)])).toEqual([[9, 4, 1]]);
    expect(stalled.mismatches.map((m) => [m.vector, m.index, (m.expected as number) - (m.got as number)])).toEqual([[9, 4, 1]]);
    expect(stalled.outputs).toHaveLength(30);
    // the cycle check as the stamps arrive: vector 6's latency, vector 19's period, vector 20's latency and period
    const c = full.cycles;
    const lat = c.predictedLatencies!;
    const per = c.predictedPeriods!;
    expect(c.mismatches).toEqual([
      { vector: 6, measuredLatency: lat[6] - 1, predictedLatency: lat[6], measuredPeriod: per[6], predictedPeriod: per[6] },
      { vector: 19, measuredLatency: lat[19], predictedLatency: lat[19], measuredPeriod: per[19] - 1, predictedPeriod: per[19] },
      { vector: 20, measuredLatency: lat[20] + 1, predictedLatency: lat[20], measuredPeriod: per[20] + 1, predictedPeriod: per[20] },
    ]);
    expect({ wrongLatencies: c.wrongLatencies, wrongPeriods: c.wrongPeriods, match: c.match }).toEqual({ wrongLatencies: 2, wrongPeriods: 2, match: false });
  });

  it('the running cycle figures are those of every vector\'s, and no per-vector arrays are kept unless asked', async () => {
    const dut = layerDut(tvscm());
    const stalled = await cosim(dut, { vectors: 50, seed: 9, validPct: 60, readyPct: 50, simulator: 'verilator', keepCycles: true, referenceCacheValues: 0 });
    const c = stalled.cycles;
    const stats = (xs: number[]) => ({ min: Math.min(...xs), max: Math.max(...xs), mean: xs.reduce((s, x) => s + x, 0) / xs.length, count: xs.length });
    expect(c.latency).toEqual({ measured: stats(c.measuredLatency!), predicted: stats(c.predictedLatencies!) });
    expect(c.period).toEqual({ measured: stats(c.measuredPeriod!), predicted: stats(c.predictedPeriods!) });
    // stalls move the stamps: the mismatch counts are those of the arrays, the list their first five
    const wrongLat = c.measuredLatency!.flatMap((m, k) => (m !== c.predictedLatencies![k] ? [k] : []));
    const wrongPer = c.measuredPeriod!.flatMap((m, k) => (m !== c.predictedPeriods![k] ? [k] : []));
    expect(wrongLat.length).toBeGreaterThan(0);
    expect({ lat: c.wrongLatencies, per: c.wrongPeriods }).toEqual({ lat: wrongLat.length, per: wrongPer.length });
    expect(c.mismatches.map((m) => m.vector)).toEqual([...new Set([...wrongLat, ...wrongPer])].sort((x, y) => x - y).slice(0, 5));
    const lean = await cosim(dut, { vectors: 50, seed: 9, validPct: 60, readyPct: 50, simulator: 'verilator' });
    expect(Object.keys(lean.cycles).filter((k) => ['measuredLatency', 'measuredPeriod', 'predictedLatencies', 'predictedPeriods'].includes(k))).toEqual([]);
    expect({ latency: lean.cycles.latency, period: lean.cycles.period, mismatches: lean.cycles.mismatches })
      .toEqual({ latency: c.latency, period: c.period, mismatches: c.mismatches });
  });
});

describe('co-simulation runs through the binary host (CXXRTL, files)', { tags: ['tools'] }, () => {
  // the design of test/sim-nothing-installed.test.ts (shared cache entry)
  const SPEC = randomSpecs('activation', 1, 12)[0];
  it('more vectors than a chunk, stalled: bit-exact, and the same records as Verilator', async () => {
    const dut = layerDut(loadLayerSpec(SPEC));
    const set = vectorSet(dut, { vectors: 60, seed: 3 });
    const c = await cosim(dut, { set, seed: 3, validPct: 75, readyPct: 65, chunkBytes: 40, simulator: 'cxxrtl', keepOutputs: true, keepCycles: true });
    const v = await cosim(dut, { set, seed: 3, validPct: 75, readyPct: 65, simulator: 'verilator', keepOutputs: true, keepCycles: true });
    expect(c.mismatches).toEqual([]);
    expect(c.exact).toBe(60);
    expect(c.outputs).toEqual(c.expected);
    expect({ lat: c.cycles.measuredLatency, per: c.cycles.measuredPeriod, cycles: c.sim.totalCycles })
      .toEqual({ lat: v.cycles.measuredLatency, per: v.cycles.measuredPeriod, cycles: v.sim.totalCycles });
  });

  it('a set that does not keep its reference outputs, through files: the same results as a kept set', async () => {
    const dut = layerDut(loadLayerSpec(SPEC));
    const opts = { vectors: 60, seed: 3, validPct: 75, readyPct: 65, chunkBytes: 40, simulator: 'cxxrtl' as const, keepOutputs: true, keepCycles: true };
    const kept = await cosim(dut, opts);
    const lean = await cosim(dut, { ...opts, referenceCacheValues: 0 });
    expect(vectorSet(dut, { ...opts, referenceCacheValues: 0 }).cached).toBe(false);
    const { sim: _k, ...a } = kept;
    const { sim: _l, ...b } = lean;
    expect(b).toEqual(a);
    expect(lean.exact).toBe(60);
  });
});
