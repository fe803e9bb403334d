/**
 * The native calibration build the default suite leaves out
 * (test/calibration-builds.ts): a TVSCM + dense + argmax network on the HX8K
 * breakout, predicted against the real build.
 */
import { describe } from 'vitest';
import { CALIBRATION_BUILDS, itCalibrationBuild } from './calibration-builds.ts';

describe('predicted vs real builds (native tools), HX8K', () => {
  for (const c of CALIBRATION_BUILDS.filter(([, , board]) => board !== 'icebreaker')) itCalibrationBuild(c);
});
