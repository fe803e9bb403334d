/** The configurations whose RTL is kept in generated/, and how it is made. */
import { loadDesign } from '../src/network/design.ts';
import { withFileList, type SourceFile } from '../src/verilog/index.ts';

export interface ReferenceConfig {
  /** folder under generated/ */
  dir: string;
  spec: string;
}

export const REFERENCE_CONFIGS: ReferenceConfig[] = [
  { dir: 'tvscm-784', spec: 'examples/tvscm-784.json' },
  { dir: 'mnist-tvscm', spec: 'examples/mnist-tvscm.json' },
];

/** Exactly what `circa generate <spec> -o generated/<dir>` writes. */
export function referenceFiles(cfg: ReferenceConfig): SourceFile[] {
  return withFileList(loadDesign(cfg.spec).rtl().sources);
}
