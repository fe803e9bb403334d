/** The block-circulant resource face. */
import { addFeatures, mulY, type LayerResources, type MemoryUse, type MultiplierSpec, type ResourceContext } from '../resources.ts';
import { fftPart } from '../fft/resources.ts';
import { bcircWidths, type BlockCirculantPlan } from './plan.ts';

/**
 * block-circulant (rtl-templates/bcirc_layer.v, src/layers/block-circulant/
 * rtl.ts): one FFT for q input and p output blocks, the buffers, P lanes of 4
 * multipliers, accumulators and an output bank each, the K-lane output beat,
 * the spectra in an EBR ROM or in SPRAM (one RAM per lane; with the loader).
 * Layer features beyond the FFT's: lane (register bits of the lanes: sums,
 * accumulators, requantised words) and collect (the output beat: K*Y_W).
 */
export function bcircResources(p: BlockCirculantPlan, { name, cycles }: ResourceContext): LayerResources {
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
  };
}

