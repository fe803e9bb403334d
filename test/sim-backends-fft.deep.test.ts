/**
 * Verilator and CXXRTL (WebAssembly) against each other, vector for vector:
 * two random small configurations of fft (`npm run test:deep`; the default suite cross-checks tvscm and dense). Each kind has a file of its own (one vitest worker process):
 * a process that ran several WebAssembly simulators in a row was seen to exit
 * unexpectedly, while each alone passes. The sweep with ten configurations per
 * kind and every example design is test/sim-backends-{examples-longest,examples-mnist,examples-other,random}.deep.test.ts
 * (`npm run test:deep`).
 *
 * Builds are cached by content hash (CIRCA_CACHE_DIR); on an empty cache
 * (CI) the compiles dominate: about 20-60 s per design on two cores.
 */
import { crossCheckKind } from './backends.ts';

crossCheckKind('fft');
