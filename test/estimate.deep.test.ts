/**
 * The native calibration build the default suite leaves out
 * (test/calibration-builds.ts): a TVSCM + dense + argmax network on the HX8K
 * breakout, and a LeNet-shaped CNN on the iCEBreaker, predicted against the
 * real builds.
 */
import { describe } from 'vitest';
import { CALIBRATION_BUILDS, CNN_CALIBRATION_BUILDS, itCalibrationBuild } from './calibration-builds.ts';

describe('predicted vs real builds (native tools), HX8K', () => {
  for (const c of CALIBRATION_BUILDS.filter(([, , board]) => board !== 'icebreaker')) itCalibrationBuild(c);
});

describe('predicted vs real builds (native tools), a CNN on the iCEBreaker', () => {
  for (const c of CNN_CALIBRATION_BUILDS) itCalibrationBuild(c);
});
