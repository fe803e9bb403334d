import { synthIce40 } from '../src/fft/index.ts';
import { loadLayerSpec } from '../src/layers/load.ts';
const l = loadLayerSpec({ kind: 'fft', architecture: 'folded', name: 'c1', n: 64, ...JSON.parse(process.argv[2] ?? '{}') });
const rtl = l.kind.rtl(l.plan);
const r = await synthIce40(rtl.sources, rtl.top);
const net = JSON.parse(r.json);
const macs = Object.values(net.modules[rtl.top].cells as Record<string, any>).filter((c: any) => c.type === 'SB_MAC16');
console.log('macs', macs.length, 'undriven', macs.filter((c: any) => ['A','B','C','D'].some((p) => (c.connections[p] ?? []).includes('x'))).length, JSON.stringify(Object.fromEntries(Object.entries(r.cells).filter(([k]) => /LUT|MAC|RAM|CARRY/.test(k)))));
