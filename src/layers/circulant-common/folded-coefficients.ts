/**
 * The LUT/FF/carry model of the folded FFT engine (src/fft/folded-rtl.ts)
 * and the circulant cores on it: the component 'folded-fft' that the
 * resource faces of a folded fft layer (src/layers/fft/resources.ts) and of
 * the folded circulant kinds (./resources.ts) name, in the coefficients
 * faces of fft, circulant and diag-circulant.
 *
 * Least squares over 6 YoWASP yosys 0.55 runs (synth_ice40 -dsp, the engine
 * or layer alone: FFT N = 64, 1024 with 1 unit, 256 with 2 and with 4 (3
 * multipliers), circulant 784 (K = 1024), diag-circulant 256), within 10% of
 * each; the HX and native figures reuse them (not fitted there). Written by
 * hand: bench/estimate-calibrate.ts fit does not refit it.
 */
import type { FamilyModels, KindCoefficients } from '../resources.ts';

const FOLDED_FFT_MODEL: FamilyModels = {
  lut: { one: -111.1667, unitBits: 67.3958, ctrl: 24.5, layer: 848.8333, signs: 0.1837 },
  ff: { one: 180.4167, unitBits: 56.6979, ctrl: 16.25, layer: 144.4167, signs: -0.1983 },
  carry: { one: -110, unitBits: 20.5938, ctrl: 5.25, layer: 346.5, signs: -0.0312 },
};

const BOTH = { ultraplus: FOLDED_FFT_MODEL, hx: FOLDED_FFT_MODEL };

export const foldedFftCoefficients: KindCoefficients = {
  'folded-fft': { yowasp: BOTH, native: BOTH },
};
