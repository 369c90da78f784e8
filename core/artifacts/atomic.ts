import { closeSync, copyFileSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface FileWrite {
  file: string;
  data: string | Uint8Array;
}

function tempPath(file: string, tag = 'tmp'): string {
  return join(dirname(file), `.${basename(file)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes `data` into a new temp file next to `file`, fsynced; returns the temp path. Nothing is left on failure. */
function writeTemp(file: string, data: string | Uint8Array): string {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempPath(file);
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  return tmp;
}

/**
 * Writes `data` to `file` atomically: a temp file in the same directory, fsync, then rename.
 * A crash at any point leaves either the old file whole or the new file whole, never a mix.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  writeFilesAtomic([{ file, data }]);
}

/**
 * Writes several files as one unit (a report and its JSON twin): every temp file is written first;
 * only then are they renamed into place. A failure at any step leaves every target as it was — the
 * files already renamed are put back from their backups — so readers see all new files or all old ones.
 */
export function writeFilesAtomic(writes: readonly FileWrite[]): void {
  const temps: string[] = [];
  try {
    for (const w of writes) temps.push(writeTemp(w.file, w.data));
  } catch (err) {
    for (const t of temps) rmSync(t, { force: true });
    throw err;
  }
  // Rename phase: each target keeps a backup (a hard link, else a copy) of its previous version until
  // every rename succeeded; the rename itself replaces the target atomically (never a missing file).
  const done: Array<{ file: string; backup: string | null }> = [];
  try {
    writes.forEach((w, i) => {
      const backup = backupOf(w.file);
      try {
        renameSync(temps[i]!, w.file);
      } catch (err) {
        if (backup) rmSync(backup, { force: true });
        throw err;
      }
      done.push({ file: w.file, backup });
    });
  } catch (err) {
    for (const d of done.reverse()) {
      try {
        if (d.backup) renameSync(d.backup, d.file);
        else rmSync(d.file, { force: true });
      } catch {
        // Best effort: the original error is the one to report.
      }
    }
    for (const t of temps) rmSync(t, { force: true });
    throw err;
  }
  for (const d of done) if (d.backup) rmSync(d.backup, { force: true });
}

/** A backup of `file`'s current version (null when there is none); a directory in its place throws. */
function backupOf(file: string): string | null {
  const backup = tempPath(file, 'bak');
  try {
    linkSync(file, backup);
    return backup;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'EPERM' || code === 'EXDEV' || code === 'ENOTSUP' || code === 'EMLINK') {
      if (statSync(file).isDirectory()) throw Object.assign(new Error(`EISDIR: ${file} is a directory`), { code: 'EISDIR', syscall: 'rename', path: file });
      copyFileSync(file, backup);
      return backup;
    }
    throw err;
  }
}

/** JSON text of an artifact: stable 2-space indentation and a trailing newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Atomic JSON write with a trailing newline, stable 2-space indentation. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, jsonText(value));
}
