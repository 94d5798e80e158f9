/**
 * Cleanups that must run even when a benchmark fails or the run is interrupted (Ctrl-C):
 * stopping child processes, dropping the PostgreSQL database, removing temp directories.
 */
type Cleanup = () => Promise<void> | void;

const cleanups = new Map<number, { label: string; fn: Cleanup }>();
let nextId = 0;

/** Registers a cleanup; returns a function that unregisters it (call it once cleaned up normally). */
export function registerCleanup(label: string, fn: Cleanup): () => void {
  const id = nextId++;
  cleanups.set(id, { label, fn });
  return () => {
    cleanups.delete(id);
  };
}

/** Runs every registered cleanup, last registered first; errors are reported, not thrown. */
export async function runAllCleanups(): Promise<void> {
  const pending = [...cleanups.entries()].reverse();
  cleanups.clear();
  for (const [, { label, fn }] of pending) {
    try {
      await fn();
    } catch (error) {
      process.stderr.write(`cleanup "${label}" failed: ${(error as Error).message}\n`);
    }
  }
}
