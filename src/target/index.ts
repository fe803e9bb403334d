/**
 * The synthesis targets circa knows, and the one way the rest of circa asks
 * about a part: partOf(name) gives the part and its target. The iCE40 is
 * built in; a target defined outside the package joins with
 * registerTarget() (test/fixtures/targets/ shows one), after which its parts
 * can be estimated, fit-checked and filled like the iCE40's.
 */
import { ice40 } from './ice40/index.ts';

export type {
  CoefficientFamily, FamilyModels, FileContent, FittedModel, FlowCells, FlowClock, FlowFiles, FlowStep, FlowTool, LinearModel, MemoryMapping, MemorySpec,
  MultiplierSpec, PartLimits, PartModel, ScriptSource, SharedCoefficients, StepOptions, StepPlan, Target, TargetMapping, TargetPart, TargetStep, ToolRun,
  YowaspCommand,
} from './types.ts';
export { ice40 };
export { errorLines, netlistCellCounts, YOSYS } from './yosys.ts';

/*
 * What the rest of circa uses of the built-in target beyond the Target
 * interface, named here so that no file outside src/target/ imports an
 * iCE40 file (test/architecture.test.ts): the board files and their pins
 * (boards/<name>.json), the PLL, the programmers, the synthesis scripts the
 * simulator's gate-level netlist and the proofs read, and the SB_SPRAM256KA
 * wrapper the kinds with run-time loaded weights instantiate.
 */
export { listBoards, loadBoard, parseBoard, pcfFor, uartBoards, BoardSchema, type Board } from './ice40/boards.ts';
export { PARTS, PART_NAMES, partInfo, type PartName, type PartInfo } from './ice40/parts.ts';
export { CLOCK_AUTO, clockOption, clockPlan, describeClock, pllFor, type ClockPlan } from './ice40/pll.ts';
export { clockMissMessage, describeTry, nextAutoStep, type ClockTry } from './ice40/clock-auto.ts';
export { checkBitstream, programPlan, PROGRAMMERS, runProgrammer, type Programmer } from './ice40/program.ts';
export { buildScript, netlistScript, readCommands, renameCommands, synthesisScript } from './ice40/script.ts';
export { loadedSpramModule } from './ice40/spram.ts';

export { findPart, partNames, partOf, partTitle, registerTarget, sameTargetParts, TARGETS } from './registry.ts';
