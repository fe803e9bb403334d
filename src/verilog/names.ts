/**
 * Names that become Verilog module and file names: what a layer, network or
 * FFT may be called, and the check that the modules of a composed design do
 * not collide.
 *
 * A name is a Verilog identifier (a letter first, then letters, digits and
 * _), at most MAX_NAME_LENGTH characters, not one of the
 * template modules in rtl-templates/, and not in the spaces circa keeps for
 * its own modules (circa_*: board and protocol tops) and for the iCE40
 * cells (SB_*). A name that is itself a module name (an FFT's top) must
 * not be a Verilog or SystemVerilog keyword (Verilator reads .v files as
 * SystemVerilog); a layer's or network's name only prefixes its module names
 * (name_top, name_wrom), so "small" or "class" are fine there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TEMPLATE_DIR, type SourceFile } from './index.ts';

/** Longest name accepted: module and file names built from it stay far below file-system limits (255 bytes). */
export const MAX_NAME_LENGTH = 64;

/** IEEE 1364-2005 keywords. */
const KEYWORDS = new Set(
  (
    'always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign default defparam design ' +
    'disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive endspecify endtable endtask event ' +
    'for force forever fork function generate genvar highz0 highz1 if ifnone incdir include initial inout input instance ' +
    'integer join large liblist library localparam macromodule medium module nand negedge nmos nor noshowcancelled not notif0 ' +
    'notif1 or output parameter pmos posedge primitive pull0 pull1 pulldown pullup pulsestyle_ondetect pulsestyle_onevent rcmos ' +
    'real realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small specify specparam ' +
    'strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1 triand trior trireg unsigned use uwire ' +
    'vectored wait wand weak0 weak1 while wire wor xnor xor'
  ).split(' '),
);

/** The IEEE 1800-2017 (SystemVerilog) additions: Verilator reads .v files as SystemVerilog, so a module may not be named so. */
const SV_KEYWORDS = new Set(
  (
    'accept_on alias always_comb always_ff always_latch assert assume before bind bins binsof bit break byte chandle checker ' +
    'class clocking const constraint context continue cover covergroup coverpoint cross dist do endchecker endclass endclocking ' +
    'endgroup endinterface endpackage endprogram endproperty endsequence enum eventually expect export extends extern final ' +
    'first_match foreach forkjoin global iff ignore_bins illegal_bins implements implies import inside int interconnect interface ' +
    'intersect join_any join_none let local logic longint matches modport nettype new null package packed priority program ' +
    'property protected pure rand randc randcase randsequence ref reject_on restrict return s_always s_eventually s_nexttime ' +
    's_until s_until_with sequence shortint shortreal soft solve static string strong struct super sync_accept_on sync_reject_on ' +
    'tagged this throughout timeprecision timeunit type typedef union unique unique0 until until_with untyped var virtual void ' +
    'wait_order weak wildcard with within'
  ).split(' '),
);

export function isVerilogKeyword(name: string, systemVerilog = false): boolean {
  return KEYWORDS.has(name) || (systemVerilog && SV_KEYWORDS.has(name));
}

/** Modules a Verilog source declares, in order. */
export function declaredModules(text: string): string[] {
  return [...text.matchAll(/^\s*module\s+([A-Za-z_][A-Za-z0-9_$]*)/gm)].map((m) => m[1]);
}

let templateModules: Map<string, string> | undefined;
/** module name -> template file, for every module in rtl-templates/. */
export function templateModuleNames(): ReadonlyMap<string, string> {
  if (!templateModules) {
    templateModules = new Map();
    for (const f of readdirSync(TEMPLATE_DIR).filter((n) => n.endsWith('.v')).sort()) {
      for (const m of declaredModules(readFileSync(join(TEMPLATE_DIR, f), 'utf8'))) templateModules.set(m, f);
    }
  }
  return templateModules;
}

/**
 * Why `name` cannot name a module, or undefined when it can. `verbatim`: the
 * name is itself a module name (an FFT's top), not a prefix of module names
 * (a layer's name_top), so Verilog and SystemVerilog keywords are refused.
 */
export function nameProblem(name: string, verbatim = false): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters (it names Verilog modules and files), got ${name.length}`;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
    return 'must start with a letter and hold only letters, digits and _ (it names Verilog modules)';
  }
  if (verbatim && isVerilogKeyword(name, true)) return `"${name}" is a Verilog${KEYWORDS.has(name) ? '' : ' (SystemVerilog)'} keyword; choose another name`;
  if (/^circa_/i.test(name)) return 'names starting with circa_ are kept for circa\'s own modules (board and protocol tops)';
  if (/^SB_/i.test(name)) return 'names starting with SB_ are kept for the iCE40 cells (SB_MAC16, SB_RAM40_4K, ...)';
  const t = templateModuleNames().get(name);
  if (t) return `"${name}" is a template module of circa (rtl-templates/${t}); choose another name`;
  return undefined;
}

/** A zod schema for a name: a string that nameProblem() accepts. */
export function verilogNameSchema(verbatim = false) {
  return z.string().superRefine((s, ctx) => {
    const problem = nameProblem(s, verbatim);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** One part of a composed design and the field that named it, for collision messages. */
export interface NamedSources {
  /** the spec field whose value the part's module names come from ("layers[2].name", "network") */
  field: string;
  sources: readonly SourceFile[];
}

/**
 * The first clash in a composed design: a module declared by two different
 * files, or two different files with one name (templates shared by several
 * parts are the same file and do not clash). Returns a message naming the
 * field of the later part, or undefined.
 */
export function moduleClash(parts: readonly NamedSources[]): { field: string; message: string } | undefined {
  const files = new Map<string, { text: string; field: string }>();
  const modules = new Map<string, { file: string; text: string; field: string }>();
  const templates = templateModuleNames();
  for (const part of parts) {
    for (const f of part.sources) {
      const prev = files.get(f.name);
      if (prev && prev.text !== f.text) {
        return { field: part.field, message: `makes ${f.name}, which ${prev.field === part.field ? 'another of its own files' : prev.field} also makes; names must not collide` };
      }
      files.set(f.name, { text: f.text, field: part.field });
      for (const m of declaredModules(f.text)) {
        const seen = modules.get(m);
        if (seen && seen.text !== f.text) {
          const what = templates.has(m) && seen.field === part.field ? `circa's template module ${m} (rtl-templates/${templates.get(m)})` : `module ${m}, which ${seen.field} also gives`;
          return { field: part.field, message: `gives a module named like ${what}; names must not collide` };
        }
        modules.set(m, { file: f.name, text: f.text, field: part.field });
      }
    }
  }
  return undefined;
}
