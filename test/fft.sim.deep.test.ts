/**
 * The fifteen designs of the bare FFT/IFFT matrix the default suite leaves
 * out (test/fft-sim-matrix.ts): bit-exact over 1000 vectors at full rate and
 * under backpressure, every vector's cycles as predicted.
 */
import { describe } from 'vitest';
import { DEFAULT_FFT_SIM, itFftSim, ROUNDINGS } from './fft-sim-matrix.ts';

describe('circa sim on a bare FFT/IFFT: the rest of the matrix', () => {
  for (const n of [8, 64, 256]) {
    for (const inverse of [false, true]) {
      for (const rounding of ROUNDINGS) {
        if (DEFAULT_FFT_SIM.some(([dn, di, dr]) => dn === n && di === inverse && dr === rounding)) continue;
        itFftSim(n, inverse, rounding);
      }
    }
  }
});
