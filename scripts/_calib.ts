import { synthIce40 } from '../src/fft/index.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
import { layerInventory } from '../src/estimate/inventory.ts';
const specs: any[] = [
  { kind: 'fft', architecture: 'folded', name: 'c1', n: 64 },
  { kind: 'fft', architecture: 'folded', name: 'c2', n: 1024 },
  { kind: 'fft', architecture: 'folded', name: 'c3', n: 256, butterflies: 2 },
  { kind: 'fft', architecture: 'folded', name: 'c4', n: 256, butterflies: 4, multipliers: 3 },
  { kind: 'circulant', name: 'c5', inputs: 784, outputs: 784, size: 1024, activation: 'relu', fft: { architecture: 'folded' } },
  { kind: 'diag-circulant', name: 'c6', inputs: 256, outputs: 256, activation: 'relu', fft: { architecture: 'folded', multipliers: 3 } },
];
for (const s of specs) {
  const l = loadLayerSpec(s);
  const rtl = l.kind.rtl(l.plan);
  const r = await synthIce40(rtl.sources, rtl.top);
  const inv = layerInventory({ kind: l.kind, plan: l.plan, rtl } as any, 1000);
  const c = r.cells;
  const lut = c.SB_LUT4 ?? 0;
  const ff = Object.entries(c).filter(([k]) => /^SB_DFF/.test(k)).reduce((a, [, v]) => a + v, 0);
  console.log(JSON.stringify({ name: s.name, features: inv.features, lut, ff, carry: c.SB_CARRY ?? 0, dsp: c.SB_MAC16 ?? 0, ebr: c.SB_RAM40_4K ?? 0, secs: r.seconds.toFixed(0) }));
}
