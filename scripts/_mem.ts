import { fitCheck } from '../src/estimate/index.ts';
import { loadDesign } from '../src/network/design.ts';
const f = fitCheck(loadDesign(process.argv[2]), 'UP5K');
for (const m of (f.estimate as any).memories) console.log(m.owner ?? '', m.name, m.depth, 'x', m.width, m.target, m.blocks);
console.log(f.estimate.total);
