/**
 * The fit face of the FFT-based kinds (circulant, diag-circulant, fft): the
 * spec changes that shrink a transform on a part, fastest first, for the fit
 * check's advice (src/estimate/fit.ts prices each and names the first that
 * fits):
 *   streaming -> "architecture": "folded" with B = 4, 2, 1 butterfly units
 *     (one time-shared engine in place of two one-sample-per-clock pipelines;
 *     N/2 log2 N / B cycles per transform)
 *   folded with B units -> B/2, ..., 1 units
 *   each unit count with 4, then 3 multipliers (Gauss: one SB_MAC16 fewer
 *   per complex multiplier)
 * A change that does not plan (too many units for the size) is skipped by
 * the fit check.
 */
import type { SpecAlternative } from '../types.ts';

type Raw = Readonly<Record<string, unknown>>;

/**
 * Alternatives for an FFT section `fft` (the object holding architecture,
 * butterflies, multipliers), set back into the spec by `put`; `prefix` is the
 * section's field path ("fft." or "").
 */
export function smallerFft(fft: Raw, put: (f: Record<string, unknown>) => Record<string, unknown>, prefix: string): SpecAlternative[] {
  const out: SpecAlternative[] = [];
  const folded = fft.architecture === 'folded';
  const b = typeof fft.butterflies === 'number' ? fft.butterflies : 1;
  const m = fft.multipliers ?? 4;
  const gauss = ' with "multipliers": 3 (Gauss: 3 SB_MAC16 per complex multiplier instead of 4, a few LUTs more)';
  // (units, multipliers) from the fastest down, each unit count with 4 then 3 multipliers
  const steps: [number, number][] = [];
  for (const units of folded ? [b, b / 2, b / 4, b / 8] : [4, 2, 1]) {
    if (units < 1 || units !== Math.floor(units)) continue;
    if (m === 4 && !(folded && units === b)) steps.push([units, 4]);
    if (!(folded && units === b && m === 3)) steps.push([units, 3]);
  }
  for (const [units, mults] of steps) {
    const g = mults === 3 && m !== 3 ? gauss : '';
    if (!folded) {
      out.push({
        field: `${prefix}architecture`,
        advice: `"architecture": "folded", "butterflies": ${units}: the transforms on one memory-based engine with ${units} butterfly unit(s), ` +
          `data in EBR, instead of two streaming pipelines (N/2 log2 N / ${units} cycles per transform)${g}`,
        spec: put({ ...fft, architecture: 'folded', butterflies: units, multipliers: mults }),
      });
    } else {
      out.push({
        field: units === b ? `${prefix}multipliers` : `${prefix}butterflies`,
        advice: units === b
          ? `"multipliers": 3 (Gauss: 3 SB_MAC16 per complex multiplier instead of 4, a few LUTs more)`
          : `"butterflies": ${units}: fewer butterfly units, fewer SB_MAC16 and LUTs, ${b / units}x the transform cycles${g}`,
        spec: put({ ...fft, butterflies: units, multipliers: mults }),
      });
    }
  }
  return out;
}

/** The circulant kinds: the `fft` section of the layer spec. */
export function smallerCirculant(spec: Raw): SpecAlternative[] {
  const fft = (spec.fft && typeof spec.fft === 'object' ? spec.fft : {}) as Raw;
  return smallerFft(fft, (f) => ({ ...spec, fft: f }), 'fft.');
}
