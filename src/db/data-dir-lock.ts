import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';

/**
 * PGlite is single-process: two writers on one directory corrupt it. This
 * lock is a file holding the holder's process id, made with an exclusive
 * create. A process that finds it checks whether that process still exists:
 * if not (it crashed, or was killed), the lock is taken at once, so a
 * supervisor's immediate restart works. Nothing here reads a clock: a lock is
 * live because its process is, not because a timestamp is recent.
 */

/** The locks this process holds: a second opener in the same process is refused too. */
const heldHere = new Set<string>();

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid?: number,
  ) {
    super(
      `The embedded database in ${dataDir} is already open in another Insigne process ` +
        `(${holderPid ? `pid ${holderPid}: ` : ''}a running server, or a CLI command). Stop that process first, or set DATABASE_URL ` +
        'to use PostgreSQL, which any number of processes can share.',
    );
    this.name = 'DataDirLockedError';
  }
}

function holderOf(content: string): number | undefined {
  const pid = Number.parseInt(content.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isRunning(pid: number): boolean {
  // Our own pid in a lock this process does not hold is a previous life of
  // this process (a container restarts its server as the same pid 1).
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOrEmpty(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Moves a dead holder's lock out of the way. The rename is atomic, so of two
 * processes that both found it dead only one removes it; the other finds the
 * file it moved is not the one it read (a fresh lock) and puts it back.
 */
function removeDeadLock(lockPath: string, seen: string): void {
  const aside = `${lockPath}.${process.pid}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else removed it
    throw error;
  }
  if (readOrEmpty(aside) !== seen) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // Another process made a lock meanwhile: it holds the directory.
    }
  }
  unlinkSync(aside);
}

/** Takes the directory's lock or throws DataDirLockedError; returns its release. */
export function lockDataDir(dataDir: string, lockPath: string): () => Promise<void> {
  if (heldHere.has(lockPath)) throw new DataDirLockedError(dataDir, process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      heldHere.add(lockPath);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        heldHere.delete(lockPath);
        if (readOrEmpty(lockPath) === `${process.pid}\n`) unlinkSync(lockPath);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const seen = readOrEmpty(lockPath);
    if (seen === undefined) continue; // released meanwhile: try again
    const pid = holderOf(seen);
    // A lock being written has no pid yet: its writer is alive.
    if (pid === undefined || isRunning(pid)) throw new DataDirLockedError(dataDir, pid);
    removeDeadLock(lockPath, seen);
  }
  throw new DataDirLockedError(dataDir);
}
