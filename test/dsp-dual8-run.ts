/**
 * Every operand pair of both halves through the dual 8x8 probe
 * (src/target/ice40/dsp-dual8.ts) on a simulator, checked against exact products
 * as the beats arrive (test/dsp-dual8.test.ts, test/dsp-dual8.deep.test.ts).
 */
import { dual8Operands, dual8Product, type Dual8Probe } from '../src/target/ice40/dsp-dual8.ts';
import { runStream, type StreamDesign, type StreamInput } from '../src/sim/stream.ts';
import type { SimulatorName } from '../src/sim/simulator.ts';

export const DUAL8_PAIRS = 65536;

/** Every operand pair of both halves through the probe; returns the count of exact vectors and the first mismatches. */
export async function exhaustiveDual8(design: StreamDesign, probe: Dual8Probe, simulator: SimulatorName, stalls: boolean) {
  const input: StreamInput = {
    count: DUAL8_PAIRS,
    pack: (k, into) => {
      const o = dual8Operands(k);
      into[0] = (o.aLo | (o.bLo << 8) | (o.aHi << 16) | (o.bHi << 24)) >>> 0;
    },
  };
  let exact = 0;
  let beats = 0;
  const bad: string[] = [];
  const run = await runStream(design, input, {
    vectorStart: () => {},
    beat: (k, _b, _cycle, _last, _keep, lanes) => {
      beats++;
      const o = dual8Operands(k);
      let ok = true;
      probe.signs.forEach((s, i) => {
        const lo = dual8Product(o.aLo, o.bLo, s);
        const hi = dual8Product(o.aHi, o.bHi, s);
        if (((lanes[2 * i] ^ lo) & 0xffff) !== 0 || ((lanes[2 * i + 1] ^ hi) & 0xffff) !== 0) {
          ok = false;
          if (bad.length < 5) bad.push(`vector ${k} unit ${i}: lo ${o.aLo}*${o.bLo} got ${lanes[2 * i]} want ${lo}; hi ${o.aHi}*${o.bHi} got ${lanes[2 * i + 1]} want ${hi}`);
        }
      });
      if (ok) exact++;
    },
  }, { simulator, seed: 5, validPct: stalls ? 80 : 100, readyPct: stalls ? 70 : 100 });
  return { exact, beats, bad, run };
}
