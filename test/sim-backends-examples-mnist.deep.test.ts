/** Part of the deep back-end sweep (see test/sim-backends-sweep.ts): the mnist example designs on Verilator and CXXRTL. */
import { crossCheckExamples } from './sim-backends-sweep.ts';

crossCheckExamples(true);
