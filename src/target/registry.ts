/**
 * The registry of synthesis targets: which targets circa knows and which
 * target a part name picks. The iCE40 is registered here, so that every
 * reader of a part name (the board schema in src/target/ice40/boards.ts too)
 * sees it; src/target/index.ts re-exports this, and a target defined outside
 * the package joins with registerTarget().
 */
import { CircaInputError } from '../errors.ts';
import { ice40 } from './ice40/index.ts';
import type { PartModel, Target, TargetPart } from './types.ts';

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
