/**
 * yosys synth_ice40 -device u -dsp (YoWASP) on one conv2d or pool layer's own
 * top: the cell counts (LUT4, carries, flip-flops, SB_MAC16, SB_RAM40_4K)
 * beside the cost face's cycles. The README's conv2d figures come from
 *
 *   npx tsx bench/conv2d-synth.ts
 *
 * (the MNIST-sized first layer); any layer spec as a JSON argument instead.
 */
import { runYosys } from '@yowasp/yosys';
import { loadLayerSpec } from '../src/layers/load.ts';

const DEFAULT = {
  kind: 'conv2d', name: 'c1', height: 28, width: 28, channels: 1, outChannels: 8, kernel: 5, lanes: 2, activation: 'relu',
  weights: { init: 'random', seed: 1 }, output: { format: { int: 2, frac: 5 } },
};

async function main(): Promise<void> {
  const spec = process.argv[2] ? (JSON.parse(process.argv[2]) as object) : DEFAULT;
  const l = loadLayerSpec(spec);
  const rtl = l.kind.rtl(l.plan);
  const tree: Record<string, string> = {};
  for (const s of rtl.sources) tree[s.name] = s.text;
  let log = '';
  const sink = (b: Uint8Array | null) => {
    if (b) log += new TextDecoder().decode(b);
  };
  await runYosys(['-p', `read_verilog -DSYNTHESIS ${Object.keys(tree).join(' ')}; synth_ice40 -device u -dsp -top ${rtl.top}; stat`], tree, { stdout: sink, stderr: sink });
  const stat = log.slice(log.lastIndexOf('Printing statistics'));
  console.log(l.kind.describe(l.plan).join('\n'));
  console.log(stat.split('\n').filter((x) => /SB_|cells/.test(x)).join('\n'));
  const c = l.kind.cost(l.plan);
  console.log(`cycles: latency ${c.cycles.latency}, period ${c.cycles.period}; ${c.ops.multiplies} multiplies on ${c.hardware.multipliers} multiplier(s)`);
}

await main();
