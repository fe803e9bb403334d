/** Part of the deep back-end sweep (see test/sim-backends-sweep.ts): mnist-dense, the example with the longest CXXRTL compile, on Verilator and CXXRTL. */
import { crossCheckExamples } from './sim-backends-sweep.ts';

crossCheckExamples('longest');
