/**
 * The synthesis targets circa knows, and the one way the rest of circa asks
 * about a part: partOf(name) gives the part and its target. The iCE40 is
 * built in; a target defined outside the package joins with
 * registerTarget() (test/fixtures/targets/ shows one), after which its parts
 * can be estimated, fit-checked and filled like the iCE40's.
 */
import { CircaInputError } from '../errors.ts';
import { ice40 } from './ice40/index.ts';
import type { PartModel, Target, TargetPart } from './types.ts';

export type {
  CoefficientFamily, FamilyModels, FileContent, FittedModel, FlowCells, FlowClock, FlowFiles, FlowStep, LinearModel, MemoryMapping, MemorySpec, MultiplierSpec,
  PartLimits, PartModel, ScriptSource, SharedCoefficients, StepOptions, Target, TargetMapping, TargetPart, ToolName, ToolRun,
} from './types.ts';
export { ice40 };
export { errorLines, netlistCellCounts } from './yosys.ts';

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

/** The registered targets by name. */
export const TARGETS: Record<string, Target> = {};

/** Register a target; its part names must be new (a part name picks its target). */
export function registerTarget(target: Target): void {
  if (!/^[a-z][a-z0-9-]*$/.test(target.name)) throw new Error(`registerTarget: target name "${target.name}" must be lower case letters, digits and "-"`);
  if (Object.hasOwn(TARGETS, target.name)) throw new Error(`registerTarget: a target named "${target.name}" is registered already`);
  for (const name of Object.keys(target.parts)) {
    const other = Object.values(TARGETS).find((t) => Object.hasOwn(t.parts, name));
    if (other) throw new Error(`registerTarget: part "${name}" of ${target.name} is a part of ${other.name} already`);
  }
  TARGETS[target.name] = target;
}

registerTarget(ice40);

/** Every registered part name, the built-in target's first. */
export function partNames(): string[] {
  return Object.values(TARGETS).flatMap((t) => Object.keys(t.parts));
}

/** A part and its target, by part name; undefined for an unknown name. */
export function findPart(name: string): { part: TargetPart; target: Target } | undefined {
  for (const target of Object.values(TARGETS)) if (Object.hasOwn(target.parts, name)) return { part: target.parts[name], target };
  return undefined;
}

/** A part as messages write it (iCE40UP5K); the bare name for a part no target knows. */
export function partTitle(name: string): string {
  const found = findPart(name);
  return found ? `${found.target.title}${found.part.name}` : name;
}

/** A part and its target, by part name; a CircaInputError naming the known parts for an unknown one. */
export function partOf(name: string, field = 'part'): { part: TargetPart; target: Target; model: PartModel; title: string } {
  const found = findPart(name);
  if (!found) throw new CircaInputError(`${field}: unknown part "${String(name).slice(0, 40)}"; parts: ${partNames().join(', ')}`);
  return { ...found, model: found.target.model(found.part), title: partTitle(name) };
}

/** The parts of the same target as `name` (for "fits instead on" advice). */
export function sameTargetParts(name: string): TargetPart[] {
  return Object.values(partOf(name).target.parts);
}
