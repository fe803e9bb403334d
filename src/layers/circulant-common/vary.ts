/**
 * The sweep face (`vary`) of the kinds with an `fft` section (circulant,
 * diag-circulant, block-circulant): where `--vary butterflies`,
 * `architecture` and `fftWidth` write, and what else a streaming core drops.
 */
import type { LayerKind } from '../types.ts';

type Vary = NonNullable<LayerKind['vary']>;

export const fftSectionVary: Pick<Vary, 'fftSections' | 'streamingSection'> = {
  fftSections: (spec) => (spec.fft && typeof spec.fft === 'object' ? [spec.fft as Record<string, unknown>] : []),
  streamingSection: (spec, section) => {
    // a streaming core has no engine to share: the layer runs on its own (and keeps d and b in ROMs)
    if (section.shareEngine) {
      delete section.shareEngine;
      if (spec.memory === 'spram') delete spec.memory;
    }
  },
};
