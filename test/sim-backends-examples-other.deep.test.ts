/** Part of the deep back-end sweep (see test/sim-backends-sweep.ts): the other example designs on Verilator and CXXRTL. */
import { crossCheckExamples } from './sim-backends-sweep.ts';

crossCheckExamples('other');
