// Reading the input and writing the outputs of `wasm2es compile` safely.
//
// - A regular file is replaced atomically: the new text goes to a temporary file
//   beside it (created exclusively, so nothing planted at that name is
//   followed), which is renamed over it; the old file's mode (and, as root, its
//   owner) carries over. A failed compile or write never leaves a partial or
//   clobbered file.
// - A symbolic link is written through, never replaced: the file it leads to
//   is what gets replaced (or created, when the link dangles).
// - A character device or a pipe (`/dev/stdout`, `/dev/null`, a FIFO) is
//   written directly; `-` is standard output. Other kinds of files (folders,
//   block devices, sockets) are refused.
// - Missing folders on the way to an output are created.
// Every problem is a CliError with one line naming the path (exit status 2).
import {
  closeSync, chmodSync, chownSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, readlinkSync, realpathSync,
  renameSync, statSync, unlinkSync, writeFileSync, writeSync, type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A usage, input or output problem: printed as one line, exit status `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EEXIST: 'already exists',
  EBUSY: 'resource busy',
  ENXIO: 'no reader or device',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

/** `path: reason`, the reason from a Node fs error's code (or its message without the stack). */
export function ioError(path: string, e: unknown, what = ''): CliError {
  const err = e as NodeJS.ErrnoException;
  const reason = (err?.code && REASONS[err.code]) || (err?.message ?? String(e)).replace(/^[A-Z]+: /, '').split('\n')[0];
  return new CliError(`${path}: ${what}${reason}`);
}

/** The input's bytes: `-` is standard input. */
export function readInput(path: string): Buffer {
  try {
    if (path !== '-' && statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw ioError(path === '-' ? '<stdin>' : path, e);
  }
}

/** Where one output goes, worked out before anything is compiled or written. */
export type Target =
  | { kind: 'stdout'; name: string; fd: 1 | 2 }
  | { kind: 'special'; name: string; path: string }
  | { kind: 'file'; name: string; path: string; existing: Stats | null };

/**
 * The file a chain of symbolic links leads to (which may not exist yet). Each
 * link is read relative to the real folder it sits in, as the system does.
 */
function followLinks(path: string): string {
  let p = resolve(path);
  for (let n = 0; n < 40; n++) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch {
      return p; // the end of the chain: created when written
    }
    if (!st.isSymbolicLink()) return p;
    let dir = dirname(p);
    try {
      dir = realpathSync.native(dir);
    } catch {
      // the folder is missing: resolved as written
    }
    p = resolve(dir, readlinkSync(p));
  }
  throw Object.assign(new Error('too many levels of symbolic links'), { code: 'ELOOP' });
}

const STD_PATHS: Record<string, 1 | 2> = {
  '/dev/stdout': 1, '/dev/fd/1': 1, '/proc/self/fd/1': 1,
  '/dev/stderr': 2, '/dev/fd/2': 2, '/proc/self/fd/2': 2,
};

/** Inspects an output path (`-`: standard output); refuses what cannot be written safely. */
export function planOutput(path: string): Target {
  if (path === '-') return { kind: 'stdout', name: '<stdout>', fd: 1 };
  // The process's own standard output and error by name: written as such, also
  // when they are sockets, which cannot be opened by path.
  const std = STD_PATHS[path];
  if (std) return { kind: 'stdout', name: path, fd: std };
  if (path.endsWith('/') || path.endsWith(sep)) throw new CliError(`${path}: names a folder; give the output file's name`);
  let st: Stats | null = null;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw ioError(path, e, 'cannot write: ');
  }
  if (st === null) {
    // Nothing there, or a dangling link: the file is created (through the link).
    try {
      return { kind: 'file', name: path, path: followLinks(path), existing: null };
    } catch (e) {
      throw ioError(path, e, 'cannot write: ');
    }
  }
  if (st.isDirectory()) throw new CliError(`${path}: is a directory; give the output file's name`);
  if (st.isCharacterDevice() || st.isFIFO()) return { kind: 'special', name: path, path };
  if (!st.isFile()) throw new CliError(`${path}: not a regular file, character device or pipe; not written`);
  try {
    return { kind: 'file', name: path, path: followLinks(path), existing: st };
  } catch (e) {
    throw ioError(path, e, 'cannot write: ');
  }
}

/** Whether two paths are the same file (by device and inode when both exist). */
export function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return resolve(a) === resolve(b);
  }
}

/** One output prepared by `stage`: committed by `commit`, or thrown away by `discard`. */
interface Staged {
  target: Target;
  text: string;
  tmp?: string;
}

function stage(target: Target, text: string): Staged {
  if (target.kind !== 'file') return { target, text };
  const dir = dirname(target.path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw ioError(dirname(target.name), e, 'cannot create the folder: ');
  }
  const tmp = join(dir, `.${basename(target.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o666);
  } catch (e) {
    throw ioError(target.name, e, 'cannot write: ');
  }
  try {
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    const old = target.existing;
    if (old) {
      chmodSync(tmp, old.mode & 0o7777);
      if (process.getuid?.() === 0) {
        try {
          chownSync(tmp, old.uid, old.gid);
        } catch {
          // a file system without owners
        }
      }
    }
  } catch (e) {
    removeQuietly(tmp);
    throw ioError(target.name, e, 'cannot write: ');
  }
  return { target, text, tmp };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Writes the outputs all or nothing, as far as the file system allows: every
 * file's text goes to a temporary file first; only when all are written are
 * they renamed into place (then standard output and devices are written).
 */
export function writeOutputs(outputs: { target: Target; text: string }[]): void {
  const staged: Staged[] = [];
  try {
    for (const o of outputs) staged.push(stage(o.target, o.text));
    for (const s of staged) {
      if (s.tmp === undefined) continue;
      const t = s.target as Extract<Target, { kind: 'file' }>;
      try {
        renameSync(s.tmp, t.path);
      } catch (e) {
        throw ioError(t.name, e, 'cannot write: ');
      }
      s.tmp = undefined;
    }
  } finally {
    for (const s of staged) if (s.tmp !== undefined) removeQuietly(s.tmp);
  }
  for (const s of staged) {
    if (s.target.kind === 'stdout') (s.target.fd === 1 ? process.stdout : process.stderr).write(s.text);
    else if (s.target.kind === 'special') {
      try {
        writeFileSync(s.target.path, s.text);
      } catch (e) {
        // A reader that stopped reading (`-o /dev/stdout | head`) is no error.
        if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw ioError(s.target.name, e, 'cannot write: ');
      }
    }
  }
}

/**
 * Removes a file left from an earlier compile that this one no longer writes
 * (a source map, declarations), when `isOurs` recognizes its first bytes.
 * Links and anything but regular files are left alone.
 */
export function removeStale(path: string, isOurs: (head: string) => boolean): void {
  try {
    if (!lstatSync(path).isFile()) return;
    const fd = openSync(path, 'r');
    const head = Buffer.alloc(64);
    let n: number;
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    if (isOurs(head.subarray(0, n).toString('utf8'))) unlinkSync(path);
  } catch {
    // not there, unreadable: nothing to do
  }
}
