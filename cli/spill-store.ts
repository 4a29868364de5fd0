/**
 * The spilling explorer's store on disk (checker/spill-store.ts `SpillStore`): one file a
 * handle, in a directory of its own made under the one `--spill-dir` names (so that two runs,
 * or the two runs of `--bug`, never share files), removed with everything in it by `close`.
 * Synchronous IO: the explorer is synchronous, and its reads and writes are sequential blocks.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SpillStore } from '../checker/index.js';
import { UsageError } from './errors.js';

export class FileSpillStore implements SpillStore {
  /** The run's own directory. */
  readonly dir: string;
  private readonly files = new Map<number, { fd: number; path: string; size: number }>();
  private next = 0;

  constructor(parent: string) {
    let isDir = false;
    try {
      isDir = statSync(parent).isDirectory();
    } catch (err) {
      throw new UsageError(`--spill-dir ${parent}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!isDir) throw new UsageError(`--spill-dir ${parent}: not a directory`);
    try {
      this.dir = mkdtempSync(join(parent, 'popcheck-spill-'));
    } catch (err) {
      throw new UsageError(`--spill-dir ${parent}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  create(): number {
    const id = this.next++;
    const path = join(this.dir, `${id}.bin`);
    this.files.set(id, { fd: openSync(path, 'w+'), path, size: 0 });
    return id;
  }

  append(file: number, bytes: Uint8Array): void {
    const f = this.file(file);
    let at = 0;
    while (at < bytes.length) at += writeSync(f.fd, bytes, at, bytes.length - at, f.size + at);
    f.size += bytes.length;
  }

  read(file: number, position: number, into: Uint8Array): number {
    return readSync(this.file(file).fd, into, 0, into.length, position);
  }

  remove(file: number): void {
    const f = this.file(file);
    this.files.delete(file);
    closeSync(f.fd);
    unlinkSync(f.path);
  }

  /** Closes every file and removes the run's directory. */
  close(): void {
    for (const f of this.files.values()) closeSync(f.fd);
    this.files.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private file(file: number): { fd: number; path: string; size: number } {
    const f = this.files.get(file);
    if (!f) throw new Error(`spill store: no file ${file}`);
    return f;
  }
}
