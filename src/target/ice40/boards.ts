/**
 * Board definitions: which part sits on a board (a part of any registered
 * target, src/target/registry.ts) and which package pins carry its clock,
 * UART and LEDs.
 *
 * Built-in boards live in `boards/<name>.json` at the repository root (pins
 * from docs/references.md, "Boards"). A user can pass a path to their own
 * JSON file of the same shape instead of a name. Every problem with a board
 * file is a CircaInputError that names the file and the bad field, e.g.
 * `board file my.json: uart.tx: expected string, received number`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CircaInputError } from '../../errors.ts';
import { parseJsonText, withoutSchemaKey, stripBom } from '../../json.ts';
import { didYouMean, knownFields } from '../../suggest.ts';
import { findPart, partNames, partTitle } from '../registry.ts';

/** Directory holding the built-in board files (`<repo>/boards`). */
export const BOARDS_DIR = fileURLToPath(new URL('../../../boards/', import.meta.url));

/** A package pin: a number on QFN/TQFP packages ("35"), a ball on BGA packages ("B10"). */
const Pin = z
  .string()
  .regex(/^[A-Za-z]{0,2}[0-9]{1,3}$/, { message: 'expected a package pin such as "35" or "B10"' });

const Led = z.strictObject({
  /** Silkscreen or schematic name, for comments and reports. */
  name: z.string().min(1),
  pin: Pin,
  /** true when the LED lights with the pin driven low (the design must invert). */
  activeLow: z.boolean(),
});

export const BoardSchema = z
  .strictObject({
    /** Optional JSON-schema pointer for editors; ignored. */
    $schema: z.string().optional(),
    /** Short name; for built-in boards it equals the file name without `.json`. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
      message: 'expected a short name of letters, digits, ".", "_" or "-"',
    }),
    /** Human-readable board name. */
    title: z.string().min(1),
    /** A part of a registered target (the iCE40's: src/target/ice40/parts.ts), which picks the target the board builds with. */
    part: z.string().superRefine((part, ctx) => {
      if (!findPart(part)) {
        ctx.addIssue({ code: 'custom', message: `expected one of ${partNames().map((p) => `"${p}"`).join('|')}, got "${part.slice(0, 40)}"` });
      }
    }),
    /** The package, e.g. "sg48", "tq144", "ct256", "cm81" (the iCE40's: nextpnr `--package`). */
    package: z.string().regex(/^[a-z]{1,3}[0-9]{1,3}$/, { message: 'expected a package name such as "sg48"' }),
    /** The device, as the part's target wants it (the iCE40's: nextpnr's device flag without dashes, e.g. "up5k" for `--up5k`). */
    device: z.string().min(1),
    /** The board oscillator. */
    clock: z.strictObject({
      pin: Pin,
      mhz: z.number().positive().max(1000),
    }),
    /** UART pins as seen from the FPGA (rx into the FPGA, tx out), or null when the board has none. */
    uart: z.strictObject({ rx: Pin, tx: Pin }).nullable(),
    /** LEDs in order; pcfFor maps the design's leds[i] to leds[i] here. */
    leds: z.array(Led),
    /** Where the pin figures come from. */
    source: z.string().min(1).optional(),
    /** Anything a user should know (jumpers, shared pins). */
    notes: z.string().optional(),
    /**
     * How `circa program` writes a bitstream to the board: per programmer, the
     * arguments before the bitstream's path (a programmer not named here does
     * not reach this board); `hint` says what to do instead, or in addition.
     */
    program: z.strictObject({
      openFPGALoader: z.array(z.string()).optional(),
      iceprog: z.array(z.string()).optional(),
      hint: z.string().optional(),
    }).optional(),
  })
  .superRefine((b, ctx) => {
    // The device must be the one the part's target wants (the iCE40's: nextpnr's device flag for the part).
    const want = findPart(b.part)?.target.boardDevice?.(b.part);
    if (want !== undefined && b.device !== want) {
      ctx.addIssue({
        code: 'custom',
        path: ['device'],
        message: `expected "${want}" for part ${b.part}, got "${b.device}"`,
      });
    }
    // No pin may serve two functions.
    const seen = new Map<string, string>();
    const claim = (pin: string, where: (string | number)[]) => {
      const key = pin.toUpperCase();
      const prev = seen.get(key);
      if (prev !== undefined) {
        ctx.addIssue({ code: 'custom', path: [...where], message: `pin ${pin} is already used by ${prev}` });
      } else {
        seen.set(key, where.join('.'));
      }
    };
    claim(b.clock.pin, ['clock', 'pin']);
    if (b.uart) {
      claim(b.uart.rx, ['uart', 'rx']);
      claim(b.uart.tx, ['uart', 'tx']);
    }
    b.leds.forEach((led, i) => claim(led.pin, ['leds', i, 'pin']));
  });

/** A validated board definition. */
export type Board = z.infer<typeof BoardSchema>;
export type BoardLed = Board['leds'][number];

/** Turn zod issues into `field: problem` lines. */
function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    let path = issue.path.map(String);
    let message = issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, ' (missing)');
    if (issue.code === 'unrecognized_keys') {
      // Name the unknown field itself rather than its parent.
      path = [...path, issue.keys.join(', ')];
      message = issue.keys.length > 1 ? 'unknown fields' : `unknown field${didYouMean(issue.keys[0], knownFields(BoardSchema, issue.path))}`;
    }
    return `${path.length ? path.join('.') : '(top level)'}: ${message}`;
  });
}

/**
 * Validate parsed JSON as a board. `label` names the file in error messages.
 * Throws CircaInputError naming every bad field.
 */
export function parseBoard(data: unknown, label: string): Board {
  const r = BoardSchema.safeParse(withoutSchemaKey(data));
  if (!r.success) {
    const lines = describeIssues(r.error);
    throw new CircaInputError(
      lines.length === 1 ? `board file ${label}: ${lines[0]}` : `board file ${label}:\n  ${lines.join('\n  ')}`,
    );
  }
  return r.data;
}

/** Names of the built-in boards, sorted. */
export function listBoards(): string[] {
  return readdirSync(BOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** A string is taken as a path when it has a directory separator or ends in `.json`. */
function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || s.toLowerCase().endsWith('.json');
}

/**
 * Load a board: a built-in name (`icebreaker`, see listBoards()) or a path to
 * a user's board JSON file.
 */
/** The built-in boards with a UART (what circa's board top talks to the host over), by name. */
export function uartBoards(): string[] {
  return listBoards().filter((name) => {
    try {
      return Boolean(loadBoard(name).uart);
    } catch {
      return false; // a broken board file is reported where it is used
    }
  });
}

export function loadBoard(nameOrPath: string): Board {
  let file: string;
  let label: string;
  if (looksLikePath(nameOrPath)) {
    file = resolve(nameOrPath);
    label = nameOrPath;
  } else {
    const known = listBoards();
    if (!known.includes(nameOrPath)) {
      throw new CircaInputError(
        `unknown board "${nameOrPath}"; known boards: ${known.join(', ')} (or give a path to a board JSON file)`,
      );
    }
    file = resolve(BOARDS_DIR, `${nameOrPath}.json`);
    label = `boards/${nameOrPath}.json`;
  }

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CircaInputError(`board file ${label}: cannot read it (${code ?? String(e)})`);
  }
  const parsed = parseJsonText(stripBom(text));
  if (!parsed.ok) throw new CircaInputError(`board file ${label}: not valid JSON at ${parsed.error}`);
  const data = parsed.value;
  const board = parseBoard(data, label);
  if (!looksLikePath(nameOrPath) && board.name !== nameOrPath) {
    // A built-in file whose name field disagrees with its file name is a repository bug.
    throw new CircaInputError(`board file ${label}: name: expected "${nameOrPath}" (the file name), got "${board.name}"`);
  }
  return board;
}

/** Top-level port names of a design, by board function. */
export interface BoardPorts {
  /** Port driven by the board oscillator. */
  clk?: string;
  /** Port receiving the UART line into the FPGA. */
  uart_rx?: string;
  /** Port driving the UART line out of the FPGA. */
  uart_tx?: string;
  /** Ports for LEDs: leds[i] goes to the board's i-th LED. Bus bits are written `led[0]`. */
  leds?: string[];
}

/** A Verilog identifier, optionally one bit of a bus (`led[3]`). */
const PORT_RE = /^[A-Za-z_][A-Za-z0-9_$]*(\[[0-9]+\])?$/;

/**
 * PCF text mapping the design's top-level ports to the board's pins.
 * Throws CircaInputError when the design asks for something the board lacks
 * (a UART on a board without one, more LEDs than it has) or a port name is
 * not a Verilog identifier.
 */
export function pcfFor(board: Board, ports: BoardPorts): string {
  const lines: string[] = [
    `# Pin constraints for ${board.title} (${board.name}): ${partTitle(board.part)} ${board.package}`,
    `# Generated by circa from the board definition${board.source ? `; pins: ${board.source}` : ''}`,
  ];
  const used = new Map<string, string>();
  const add = (port: string, pin: string, what: string, role: string) => {
    if (!PORT_RE.test(port)) {
      throw new CircaInputError(`${role}: "${port}" is not a Verilog port name (write a bus bit as led[0])`);
    }
    const prev = used.get(port);
    if (prev !== undefined) throw new CircaInputError(`${role}: port "${port}" is already mapped as ${prev}`);
    used.set(port, role);
    lines.push(`set_io ${port} ${pin}`.padEnd(28) + ` # ${what}`);
  };

  if (ports.clk !== undefined) add(ports.clk, board.clock.pin, `clock, ${board.clock.mhz} MHz`, 'clk');
  for (const dir of ['rx', 'tx'] as const) {
    const port = dir === 'rx' ? ports.uart_rx : ports.uart_tx;
    if (port === undefined) continue;
    if (!board.uart) {
      throw new CircaInputError(`board ${board.name} has no UART; cannot place the design's uart_${dir} port "${port}"`);
    }
    add(port, board.uart[dir], dir === 'rx' ? 'UART rx (into the FPGA)' : 'UART tx (out of the FPGA)', `uart_${dir}`);
  }
  const leds = ports.leds ?? [];
  if (leds.length > board.leds.length) {
    throw new CircaInputError(
      `board ${board.name} has ${board.leds.length} LED${board.leds.length === 1 ? '' : 's'}; the design asks for ${leds.length}`,
    );
  }
  leds.forEach((port, i) => {
    const led = board.leds[i];
    add(port, led.pin, `${led.name}${led.activeLow ? ', active low: drive 0 to light' : ''}`, `leds[${i}]`);
  });
  return lines.join('\n') + '\n';
}

