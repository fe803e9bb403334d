/**
 * Formal checks with yosys `sat` (YoWASP): real RTL blocks against reference
 * expressions written from the fixed-point model, proven equal for every input
 * of a bounded width (and every input sequence up to a bound for the
 * sequential ones). See the README section "Formal check".
 */
export * from './reference.ts';
export * from './checks.ts';
export * from './prove.ts';
export * from './dsp.ts';
