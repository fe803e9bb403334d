/**
 * The resource faces of circulant and diag-circulant, on either core: the
 * streaming core of stream-rtl.ts (circ_feed -> FFT -> circ_pmul +
 * half-spectrum ROM -> IFFT -> circ_out) or the folded engine of
 * folded-core.ts; for diag-circulant, the d/b ROM and one multiplier with
 * the diagonal.
 */
import { addFeatures, mulY, type LayerResources, type MemoryUse, type MultiplierSpec, type ArithUse, type ResourceContext } from '../resources.ts';
import { fftPart, foldedEnginePart } from '../fft/resources.ts';
import type { StreamCorePlan } from './stream-plan.ts';
import type { FoldedCorePlan } from './folded-core.ts';
import type { CorePlan } from './core.ts';

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
export function streamCoreResources(
  { name, cycles }: ResourceContext, c: StreamCorePlan, yWidth: number,
  diag?: { dWidth: number; bWidth: number; accWidth: number },
): LayerResources {
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
    memories, multipliers, arith: { multiplies, adds },
    features: addFeatures({
      one: 1, core, diag: diag ? c.zWidth + diag.dWidth + diag.bWidth + diag.accWidth : 0, mulY: mulY(multipliers),
    }, fwd.features, inv.features),
    
  };
}

/**
 * circulant and diag-circulant on the folded engine (circulant-common/
 * folded-core.ts): the engine (foldedEnginePart, with the spectrum ROMs),
 * the requantiser, and for diag the d/b ROM and one Z_W x D_W multiplier.
 * Priced with the engine's model ('folded-fft'); outBits carries the
 * output stage's register bits.
 */
export function foldedCoreResources(
  { name, cycles }: ResourceContext, c: FoldedCorePlan, yWidth: number,
  diag?: { dWidth: number; bWidth: number; accWidth: number },
): LayerResources {
  const part = foldedEnginePart(name, c.engine, c.multipliers, c.passes, cycles,
    { inputs: c.inputs, outputs: c.outputs, outBits: yWidth + c.zWidth + (diag ? diag.dWidth + diag.bWidth + diag.accWidth : 0) },
    { hWidth: c.hWidth });
  const memories = [...part.memories];
  const multipliers = [...part.multipliers];
  const multiplies = [...part.arith.multiplies];
  const adds = [...part.arith.adds, { width: c.zWidth, count: c.outputs }];
  if (diag) addDiagonal(name, c, diag, cycles, { memories, multipliers, multiplies, adds }, 1);
  return {
    model: 'folded-fft', memories, multipliers, arith: { multiplies, adds },
    features: { ...part.features, layer: 1, signs: c.signs ? c.inputs : 0, mulY: mulY(multipliers) }, 
  };
}


/** The layer's core, whichever architecture the plan chose. */
export function coreResources(ctx: ResourceContext, c: CorePlan, yWidth: number, diag?: { dWidth: number; bWidth: number; accWidth: number }): LayerResources {
  return c.arch === 'folded' ? foldedCoreResources(ctx, c, yWidth, diag) : streamCoreResources(ctx, c, yWidth, diag);
}

/**
 * Two diag-circulant layers on one shared folded engine (diag-circulant/
 * fused.ts): one engine whose spectrum ROM holds both spectra, the
 * write-back (K reads and writes of the banks), two d/b ROMs and one z x d
 * multiplier serving both output stages.
 */
export function foldedPairResources(
  { name, cycles }: ResourceContext, c1: FoldedCorePlan, c2: FoldedCorePlan, passes: import('../../fft/index.ts').FoldedPass[], hWidth: number, yWidth: number,
  d1: { name: string; dWidth: number; bWidth: number; accWidth: number }, d2: { name: string; dWidth: number; bWidth: number; accWidth: number },
  spram: boolean,
): LayerResources {
  const dW = Math.max(d1.dWidth, d2.dWidth);
  const bW = Math.max(d1.bWidth, d2.bWidth);
  const aW = Math.max(d1.accWidth, d2.accWidth);
  const part = foldedEnginePart(name, c1.engine, c1.multipliers, passes, cycles,
    // the output stage's registers: both requantisers' outputs, z, d, b, acc, and the write-back's position pipeline
    { inputs: c1.inputs, outputs: c2.outputs + c1.k, outBits: 2 * yWidth + c1.zWidth + dW + bW + aW + 5 * c1.log2k },
    { hWidth, spectra: 2 });
  const memories = [...part.memories];
  const multipliers = [...part.multipliers];
  const multiplies = [...part.arith.multiplies];
  const adds = [...part.arith.adds, { width: c1.zWidth, count: c1.outputs + c2.outputs }];
  addDiagonal(`${name}.${d1.name}`, c1, d1, cycles, { memories, multipliers, multiplies, adds }, 1);
  addDiagonal(`${name}.${d2.name}`, c2, d2, cycles, { memories, multipliers, multiplies, adds }, 1);
  if (spram) {
    // both d/b ROMs become one SPRAM of {b, d} words (with its loader's pointer)
    const roms = memories.filter((m) => m.name.endsWith('.drom'));
    for (const m of roms) memories.splice(memories.indexOf(m), 1);
    memories.push({
      name: `${name}.dbmem`, depth: c1.outputs + c2.outputs, width: dW + bW, rom: false, huge: true,
      writes: 0, reads: cycles, usefulReads: c1.outputs + c2.outputs, weights: true,
    });
  }
  // one multiplier serves both output stages
  const zd = multipliers.filter((m) => m.name.endsWith('.z*d'));
  const shared = { name: `${name}.z*d`, a: c1.zWidth, b: dW, y: c1.zWidth + dW, count: 1 };
  return {
    model: 'folded-fft', memories, multipliers: [...multipliers.filter((m) => !zd.includes(m)), shared], arith: { multiplies, adds },
    features: { ...part.features, layer: 1, signs: 0, mulY: mulY([...multipliers.filter((m) => !zd.includes(m)), shared]) },
  };
}
