/**
 * The engine's one window onto the operating-system process: its pid, whether another pid is
 * alive, signals, and the Node executable that daemons are started with. Everything else in the
 * engine gets its streams and environment passed in (EngineIo); the lint rules allow `process`
 * only here, in src/cli and in bin.
 */

export function ownPid(): number {
  return process.pid;
}

/** Whether a process with this pid exists (signal 0 probes without signalling; EPERM means it exists). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function terminate(pid: number): void {
  process.kill(pid, 'SIGTERM');
}

/** The running Node binary, for starting the broker daemon with the same runtime. */
export function nodeExecutable(): string {
  return process.execPath;
}

/** Resolves on the first SIGINT or SIGTERM with the signal's name. */
export function shutdownSignal(): Promise<'SIGINT' | 'SIGTERM'> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/**
 * Sends a signal to a process group (a daemon started detached leads its own group, so this
 * reaches whatever it started too). False when the group is already gone.
 */
export function signalGroup(pgid: number, signal: 'SIGTERM' | 'SIGKILL'): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
