/**
 * Every process group a ProcessRuntime started and that may still be alive, across all instances, so
 * that none outlives the host: the groups are SIGKILLed when the host process exits, and on SIGINT,
 * SIGTERM or SIGHUP (re-raised afterwards when nobody else handles the signal, so the host still dies).
 */
const live = new Set<number>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

/** Sends `signal` to the process group `pgid`; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function killAll(): void {
  for (const pgid of live) signalGroup(pgid, 'SIGKILL');
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  uninstall();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', killAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

export function trackGroup(pgid: number): void {
  live.add(pgid);
  install();
}

export function untrackGroup(pgid: number): void {
  live.delete(pgid);
  if (live.size === 0) uninstall();
}

/** Process groups started and not yet known to be gone (for tests that prove nothing leaked). */
export function liveProcessGroups(): readonly number[] {
  return [...live];
}
