/**
 * Every file circa writes for a user goes through here, for the command and
 * the library alike: output folders (`generate -o`, `build -o`, `compare
 * --svg`, `sweep --out`, the library's `generate`/`build` `outDir`) and
 * single files (`sim --vcd`, `import -o`, `quantize -o` and its `.npz`,
 * `train -o`, `sweep merge -o`). The rules:
 *
 * - Never the root, the home folder or one of its parents, the working
 *   directory or one of its parents, nor anything in circa's own package
 *   (symbolic links are followed before these checks).
 * - Never an existing FIFO, device, socket, or a folder where a file goes
 *   (nor a file where a folder goes), even with --force.
 * - An output folder holds a manifest (MANIFEST): the name and SHA-256 of
 *   every file circa wrote there. Writing again (with --force) replaces or
 *   removes only files listed there whose content still has that hash; every
 *   other file is left in place and reported (a file the new output needs
 *   whose name is taken by such a file is an error, before anything moves).
 *   A non-empty folder without a manifest is refused.
 * - A single file is replaced only with --force, and only a regular file.
 * - Everything is written under a temporary name in the same folder and
 *   renamed into place, so a failure leaves nothing half-written, and every
 *   file-system error (read-only, disk full, is a folder, permission denied)
 *   is one CircaInputError naming the option, the path and the condition.
 */
import {
  accessSync, constants as fsConstants, closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, realpathSync,
  renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeSync, type Stats,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, parse, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CircaInputError } from './errors.ts';
import type { SourceFile } from './verilog/index.ts';
import { packageVersion } from './verilog/index.ts';
import { track } from './cleanup.ts';

/** The manifest in every output folder: the files circa wrote there, with their SHA-256. */
export const MANIFEST = '.circa-output';
/** @deprecated the manifest took the marker's name */
export const MARKER = MANIFEST;

// ---------------------------------------------------------------------------
// File-system errors as one line
// ---------------------------------------------------------------------------
const CONDITIONS: Record<string, string> = {
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full (no space left on the device)',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'the file is too large for the file system',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  ENOTEMPTY: 'the folder is not empty',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'the file or folder is busy',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EXDEV: 'not on the same file system',
  EINVAL: 'invalid argument',
  ETXTBSY: 'the file is busy (a running program)',
  ENXIO: 'no such device or address',
  ENODEV: 'no such device',
};

/** The condition of a file-system error (`read-only`, `disk full`, ...), or undefined when `e` is no such error. */
export function fsCondition(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code) || (e as NodeJS.ErrnoException).syscall === undefined) return undefined;
  return `${CONDITIONS[code] ?? 'file-system error'} (${code})`;
}

/** A file-system error as a one-line CircaInputError: `shown` (the option and its value), the path and the condition; other errors unchanged. */
export function asFsError(e: unknown, shown: string, fallbackPath: string): unknown {
  const condition = fsCondition(e);
  if (!condition) return e;
  const path = (e as NodeJS.ErrnoException).path ?? fallbackPath;
  return new CircaInputError(`${shown}: cannot write ${shownPath(path)}: ${condition}`, { cause: e });
}

/** `p` relative to the working directory when inside it, else as is. */
export const shownPath = (p: string): string => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
};

// ---------------------------------------------------------------------------
// Where circa never writes
// ---------------------------------------------------------------------------
/** `inner` is `outer` or inside it. */
export const within = (inner: string, outer: string): boolean => {
  const r = relative(outer, inner);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
};

/** The real path of `p` (symbolic links followed), for a path that need not exist yet. */
export function realPath(p: string): string {
  const full = resolve(p);
  const rest: string[] = [];
  for (let q = full; ; q = dirname(q)) {
    try {
      return join(realpathSync(q), ...rest.reverse());
    } catch {
      if (dirname(q) === q) return full;
      rest.push(basename(q));
    }
  }
}

/** The folder circa is installed in (the clone, or node_modules/circa): this file is src/output.ts or dist/output.js. */
export const PACKAGE_ROOT = realPath(resolve(dirname(fileURLToPath(import.meta.url)), '..'));

/**
 * The "$schema" key of a network spec circa writes to `out` (quantize, import --spec-out): circa's own
 * schemas/network.schema.json, relative to the new file's folder, when the file is in the project that holds
 * circa (the clone itself, or the project whose node_modules holds the package): there the path stays right
 * when the project moves. Elsewhere (a temporary folder, another tree) undefined, and the key is left out: a
 * path from there (../../../work/clone/schemas/...) names one machine's folders and breaks once the file is
 * copied into a project.
 */
export function networkSchemaRef(out: string, root = PACKAGE_ROOT): string | undefined {
  const parts = root.split(sep);
  const nm = parts.lastIndexOf('node_modules');
  const project = nm > 0 ? parts.slice(0, nm).join(sep) || sep : root;
  const dir = realPath(dirname(resolve(out)));
  if (!within(dir, project)) return undefined;
  return relative(dir, join(root, 'schemas', 'network.schema.json')).split(sep).join('/');
}

/**
 * circa's own code and configuration in its package folder. In a clone, the data folders circa's own workflow
 * regenerates (examples/trained by quantize, generated/, docs/, bench/) and build/ stay writable; an installed
 * package (no src/) is all circa's.
 */
const PACKAGE_ENTRIES = new Set([
  'package.json', 'package-lock.json', 'node_modules', 'src', 'dist', 'bin', 'rtl-templates', 'sim', 'boards', 'schemas',
  'test', 'scripts', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json', '.git', '.ci', '.github', '.gitignore',
  'vitest.config.ts', 'vitest.fast.config.ts', 'vitest.deep.config.ts',
]);

/** Why `p` is circa's own (its package tree), or undefined. In a clone, `build/`, the data folders and new folders are not. */
function packagePart(real: string, root = PACKAGE_ROOT): string | undefined {
  if (!within(real, root)) return undefined;
  if (real === root) return `circa's own package folder (${root})`;
  const first = relative(root, real).split(sep)[0];
  // an installed package (no src/) is all circa's; a clone keeps room for outputs beside its own files
  if (!existsSync(join(root, 'src')) || PACKAGE_ENTRIES.has(first)) return `inside circa's own package (${join(root, first)})`;
  return undefined;
}

/** Why no output may go to `target` (a folder or a file), or undefined. */
export function forbiddenReason(target: string): string | undefined {
  for (const p of new Set([resolve(target), realPath(target)])) {
    if (p === parse(p).root) return 'the root directory';
    const home = homedir() ? realPath(homedir()) : undefined;
    const cwd = realPath(process.cwd());
    if (p === cwd || p === resolve(process.cwd())) return 'the working directory';
    if (within(cwd, p) || within(resolve(process.cwd()), p)) return 'a parent of the working directory';
    if (home && p === home) return 'your home directory';
    if (home && within(home, p)) return 'a parent of your home directory';
    const own = packagePart(p);
    if (own) return own;
  }
  return undefined;
}

/** What an existing non-regular path is: 'a folder', 'a FIFO', ... */
export function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  if (s.isSymbolicLink()) return 'a symbolic link';
  return s.isFile() ? 'a file' : 'not a regular file';
}

/** lstat, or undefined when nothing is there (errors other than ENOENT/ENOTDIR are raised). */
function lstatOrNone(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** The nearest existing folder on the way to `target` must be a folder (not a file or a device). */
function checkWay(target: string, shown: string, from: string): void {
  for (let p = dirname(target); ; p = dirname(p)) {
    const s = lstatOrNone(p);
    if (s) {
      const st = s.isSymbolicLink() ? statSync(p) : s;
      if (!st.isDirectory()) throw new CircaInputError(`${shown}: ${shownPath(p)} is ${kindOf(st)}, so ${from} cannot be made there`);
      accessSync(p, fsConstants.W_OK); // a read-only file system (EROFS) or no permission: said now, before any work
      return;
    }
    if (dirname(p) === p) return;
  }
}

// ---------------------------------------------------------------------------
// Output folders
// ---------------------------------------------------------------------------
export interface Manifest { files: Record<string, string> }

const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** A manifest entry is a plain relative path inside the folder (no `..`, not absolute). */
const safeName = (n: string) => typeof n === 'string' && n !== '' && !isAbsolute(n) && normalize(n) === n && !n.split(sep).includes('..') && n !== MANIFEST;

/** The manifest of folder `dir`, or undefined when there is none (or it is not one circa wrote). */
export function readManifest(dir: string): Manifest | undefined {
  const p = join(dir, MANIFEST);
  const s = lstatOrNone(p);
  if (!s?.isFile() || s.size > 16 * 1024 * 1024) return undefined;
  try {
    const m = JSON.parse(readFileSync(p, 'utf8')) as unknown;
    if (typeof m !== 'object' || m === null || typeof (m as Manifest).files !== 'object' || (m as Manifest).files === null) return undefined;
    const files: Record<string, string> = Object.create(null);
    for (const [n, h] of Object.entries((m as Manifest).files)) if (safeName(n) && typeof h === 'string' && /^[0-9a-f]{64}$/.test(h)) files[n] = h;
    return { files };
  } catch {
    return undefined;
  }
}

/** Every regular file and symbolic link under `dir` (relative paths), folders walked (not followed). */
function filesUnder(dir: string, base = ''): string[] {
  return readdirSync(join(dir, base), { withFileTypes: true }).flatMap((e) => {
    const rel = base ? join(base, e.name) : e.name;
    return e.isDirectory() ? filesUnder(dir, rel) : [rel];
  });
}

/** `dir/name` is a regular file reached through real folders only, with the content the manifest lists. */
function provablyCircas(dir: string, name: string, m: Manifest | undefined): boolean {
  const hash = m?.files[name];
  if (!hash) return false;
  const parts = name.split(sep);
  for (let i = 1; i < parts.length; i++) if (!lstatOrNone(join(dir, ...parts.slice(0, i)))?.isDirectory()) return false;
  return !!lstatOrNone(join(dir, name))?.isFile() && sha256(join(dir, name)) === hash;
}

export interface TargetOptions {
  /** replace the files circa wrote there before */
  force?: boolean;
  /** the flag or option in messages: -o, --out, --svg, outDir */
  option?: string;
}

/**
 * Check an output folder before any work: not a forbidden place (the root,
 * home, the working directory or a parent, circa's package), not a file, and
 * either absent, empty, or (with force) holding circa's manifest. Returns its
 * real path (symbolic links followed), where the output goes.
 */
export function checkTarget(dir: string, force: boolean | TargetOptions = false, option = '-o'): string {
  const o: TargetOptions = typeof force === 'object' ? force : { force, option };
  const opt = o.option ?? '-o';
  if (typeof dir !== 'string' || dir === '' || dir.includes('\0')) {
    throw new CircaInputError(`${opt}: expected the path of a folder, got ${dir === '' ? 'an empty string' : typeof dir === 'string' ? 'a path with a NUL character' : typeof dir}`);
  }
  const shown = `${opt} ${dir}`;
  const why = forbiddenReason(dir);
  if (why) throw new CircaInputError(`${shown}: is ${why}; circa writes its output into a directory of its own (for example ${opt} build/out)`);
  const target = realPath(dir);
  try {
    checkWay(target, shown, 'the directory');
    const s = lstatOrNone(target);
    if (s && !s.isDirectory()) {
      if (s.isSymbolicLink()) throw new CircaInputError(`${shown}: is a symbolic link to a missing path; name a folder for the output`);
      throw new CircaInputError(`${shown}: is ${kindOf(s)}, not a directory; name a directory for the output`);
    }
    if (s) {
      accessSync(target, fsConstants.W_OK);
      const entries = readdirSync(target);
      if (entries.length > 0) {
        if (!o.force) throw new CircaInputError(`${shown}: output directory exists and is not empty; pass --force to replace the files circa wrote there`);
        if (!readManifest(target)) {
          throw new CircaInputError(
            `${shown}: holds files circa did not write (no ${MANIFEST} manifest); --force replaces only files circa wrote. ` +
              'Move them away or choose another folder',
          );
        }
      }
    }
  } catch (e) {
    throw asFsError(e, shown, target);
  }
  return target;
}

export interface Written {
  /** the folder written (real path) */
  dir: string;
  /** the files written there (relative names) */
  files: string[];
  /** files found there that circa did not write (or that changed since), left in place */
  kept: string[];
  /** files circa wrote there before and removed (not part of the new output) */
  removed: string[];
}

/** "left in place (not written by circa): a, b" or nothing. */
export function describeKept(w: Written): string[] {
  return w.kept.length ? [`left in place (not written by circa, or changed since): ${w.kept.slice(0, 10).join(', ')}${w.kept.length > 10 ? `, ... (${w.kept.length} in all)` : ''}`] : [];
}

/**
 * Run `fill(staging)` in a staging folder beside `target`, then move its
 * files into `target` (checked with checkTarget first), replacing only files
 * circa provably wrote there. On failure nothing changes in `target`.
 */
export async function writeAtomically<T>(target: string, fill: (staging: string) => Promise<T> | T, opts: TargetOptions = {}): Promise<T> {
  return (await writeFolder(target, fill, opts)).result;
}

/** writeAtomically, returning what was written and what was left in place. */
export async function writeFolder<T>(dir: string, fill: (staging: string) => Promise<T> | T, opts: TargetOptions = {}): Promise<{ result: T; written: Written }> {
  const opt = opts.option ?? '-o';
  const target = checkTarget(dir, { ...opts, force: opts.force ?? false });
  let staging: string;
  try {
    mkdirSync(dirname(target), { recursive: true });
    staging = mkdtempSync(join(dirname(target), `.${basename(target)}.partial-`));
  } catch (e) {
    throw asFsError(e, `${opt} ${dir}`, target);
  }
  const untrack = track(staging); // an interrupt removes it too
  try {
    const result = await fill(staging);
    const written = commitFolder(staging, target, opts);
    return { result, written };
  } catch (e) {
    // name the file as it would have been, not its staging name
    const p = (e as NodeJS.ErrnoException).path;
    if (typeof p === 'string' && within(p, staging)) (e as NodeJS.ErrnoException).path = join(target, relative(staging, p));
    throw asFsError(e, `${opt} ${dir}`, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    untrack();
  }
}

function commitFolder(staging: string, target: string, opts: TargetOptions): Written {
  const opt = opts.option ?? '-o';
  const files = filesUnder(staging).filter((f) => f !== MANIFEST).sort();
  for (const f of files) {
    const s = lstatSync(join(staging, f));
    if (!s.isFile()) throw new Error(`output staging: ${f} is ${kindOf(s)}`); // circa's own bug, not the user's
  }
  const manifest: Manifest & { writtenBy: string; note: string } = {
    writtenBy: `circa ${packageVersion()}`,
    note: 'the files circa wrote in this folder and their SHA-256; circa replaces only these (with --force), and only while unchanged',
    files: Object.fromEntries(files.map((f) => [f, sha256(join(staging, f))])),
  };
  writeNewFile(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  // checked again now: the folder may have changed while the output was made
  const s = lstatOrNone(target);
  if (!s) {
    renameSync(staging, target);
    return { dir: target, files, kept: [], removed: [] };
  }
  if (!s.isDirectory()) throw new CircaInputError(`${opt} ${shownPath(target)}: is ${kindOf(s)}, not a folder`);
  const present = filesUnder(target).filter((f) => f !== MANIFEST);
  const old = readManifest(target);
  if (present.length && !old) throw new CircaInputError(`${opt} ${shownPath(target)}: holds files circa did not write (no ${MANIFEST} manifest); nothing written`);
  if (present.length && !opts.force) throw new CircaInputError(`${opt} ${shownPath(target)}: output directory exists and is not empty; pass --force to replace the files circa wrote there`);
  const owned = new Set(present.filter((f) => provablyCircas(target, f, old)));
  // a name the new output needs must be free, or a file circa wrote: refuse before moving anything
  for (const f of files) {
    const parts = f.split(sep);
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join(sep);
      const ps = lstatOrNone(join(target, p));
      if (!ps) break;
      const last = i === parts.length;
      if ((!last && !ps.isDirectory()) || (last && !owned.has(p))) {
        throw new CircaInputError(`${opt} ${shownPath(target)}: ${p} is ${ps.isFile() ? 'a file circa did not write there (or one changed since)' : kindOf(ps)}; ` +
          'circa does not replace it. Move it away or choose another folder (nothing written)');
      }
    }
  }
  for (const f of files) {
    mkdirSync(dirname(join(target, f)), { recursive: true });
    renameSync(join(staging, f), join(target, f));
  }
  const fresh = new Set(files);
  const removed = [...owned].filter((f) => !fresh.has(f));
  for (const f of removed) {
    unlinkSync(join(target, f));
    // folders emptied by that go too (never the target itself)
    for (let d = dirname(join(target, f)); d !== target && within(d, target); d = dirname(d)) {
      try {
        rmdirSync(d);
      } catch {
        break;
      }
    }
  }
  renameSync(join(staging, MANIFEST), join(target, MANIFEST));
  const kept = present.filter((f) => !fresh.has(f) && !owned.has(f));
  return { dir: target, files, kept, removed };
}

/** Write `dir/name` for each source file. */
export function writeSources(dir: string, files: readonly SourceFile[]): void {
  for (const f of files) writeNewFile(join(dir, f.name), f.text);
}

/** A new file (never an existing one: 'wx'), written in full. */
function writeNewFile(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------
// Single files
// ---------------------------------------------------------------------------
export interface FileOptions {
  /** replace an existing regular file */
  force?: boolean;
  /** the flag in messages: -o, --vcd, vcd.path */
  option?: string;
  /** the file must end in this (lower case, with the dot) */
  ext?: string;
  /** the command's input files: never an output, even with --force */
  inputs?: readonly string[];
  /** make the folder when it is missing (else: an error) */
  makeFolder?: boolean;
}

/**
 * Check a single output file before any work; returns the real path to write
 * (a symbolic link is followed). Refuses forbidden places, a missing folder
 * (unless makeFolder), an existing non-regular file (even with force), an
 * existing file without force, and one of the command's inputs.
 */
export function checkFile(path: string, o: FileOptions = {}): string {
  const opt = o.option ?? '-o';
  if (typeof path !== 'string' || path === '' || path.includes('\0')) {
    throw new CircaInputError(`${opt}: expected a file path, got ${path === '' ? 'an empty string' : typeof path === 'string' ? 'a path with a NUL character' : typeof path}`);
  }
  const shown = `${opt} ${path}`;
  if (o.ext && !path.toLowerCase().endsWith(o.ext)) throw new CircaInputError(`${shown}: must end in ${o.ext}`);
  const target = realPath(path);
  try {
    const s = lstatOrNone(target) ?? (lstatOrNone(resolve(path))?.isSymbolicLink() ? lstatSync(resolve(path)) : undefined);
    if (s && s.isSymbolicLink()) throw new CircaInputError(`${shown}: is a symbolic link to a missing path; circa does not write through it`);
    if (s && !s.isFile()) throw new CircaInputError(`${shown}: is ${kindOf(s)}, not a regular file; circa never replaces it (even with --force)`);
    const why = forbiddenReason(path);
    if (why) throw new CircaInputError(`${shown}: is ${why}; circa does not write there`);
    for (const input of o.inputs ?? []) {
      if (input && realPath(input) === target) throw new CircaInputError(`${shown}: is an input of this command (${input}); circa never writes over its input`);
    }
    if (s && !o.force) throw new CircaInputError(`${shown}: the file exists; pass --force to replace it`);
    const folder = dirname(target);
    const fs = lstatOrNone(folder);
    if (!fs) {
      checkWay(target, shown, 'its folder');
      if (!o.makeFolder) throw new CircaInputError(`${shown}: the folder ${shownPath(folder)} does not exist`);
    } else if (!fs.isDirectory()) {
      throw new CircaInputError(`${shown}: ${shownPath(folder)} is ${kindOf(fs)}, not a folder`);
    } else {
      accessSync(folder, fsConstants.W_OK); // the new file is made beside the target: EROFS or EACCES now, before any work
    }
  } catch (e) {
    throw asFsError(e, shown, target);
  }
  return target;
}

/**
 * Write one file (checked with checkFile): the data (or a copy of the file
 * `from`) goes to a temporary name in the same folder, then is renamed over
 * the target, so the target is either as it was or complete.
 */
export function writeFile(path: string, data: string | Uint8Array | { copyFrom: string }, o: FileOptions = {}): string {
  return writeFiles([{ path, data }], o)[0];
}

/**
 * Write several files together (quantize's spec and its weights): all are
 * checked, all are written to temporary names, then renamed into place.
 */
export function writeFiles(files: readonly { path: string; data: string | Uint8Array | { copyFrom: string } }[], o: FileOptions = {}): string[] {
  const opt = o.option ?? '-o';
  const targets = files.map((f) => checkFile(f.path, o));
  const temps: string[] = [];
  let current = 0;
  try {
    for (const [i, f] of files.entries()) {
      current = i;
      if (o.makeFolder) mkdirSync(dirname(targets[i]), { recursive: true });
      const tmp = join(dirname(targets[i]), `.${basename(targets[i])}.partial-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
      temps.push(tmp);
      if (typeof f.data === 'object' && 'copyFrom' in f.data) copyFileSync(f.data.copyFrom, tmp);
      else writeNewFile(tmp, f.data);
    }
    for (const [i, t] of targets.entries()) {
      current = i;
      // checked again: a FIFO or a folder may have taken the name since
      const s = lstatOrNone(t);
      if (s && !s.isFile()) throw new CircaInputError(`${opt} ${files[i].path}: is ${kindOf(s)}, not a regular file; circa never replaces it`);
      renameSync(temps[i], t);
    }
    return targets;
  } catch (e) {
    const p = (e as NodeJS.ErrnoException).path;
    if (typeof p === 'string' && temps.includes(p)) (e as NodeJS.ErrnoException).path = targets[temps.indexOf(p)];
    throw asFsError(e, `${opt} ${files[current].path}`, targets[current]);
  } finally {
    for (const t of temps) rmSync(t, { force: true });
  }
}
