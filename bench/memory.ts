/**
 * Memory, with `node --expose-gc`: heap bytes per credential with proactive refresh (20,000 held at
 * once), and leaks over 100,000 create → getToken → dispose cycles (heap after a full GC, and timers
 * left behind).
 */
import { createCredential, jwt, type Contender } from "./compare.js";

function collectedHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run the memory benchmarks with node --expose-gc");
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

export async function bytesPerCredential(contender: Contender, count = 20_000): Promise<number> {
  const token = jwt(3_600_000);
  const tokenRefresher = async () => token;
  const before = collectedHeap();
  const held = Array.from({ length: count }, () =>
    createCredential(contender, { tokenRefresher, token, refreshProactively: true }),
  );
  const after = collectedHeap();
  held.forEach((credential) => credential.dispose());
  return (after - before) / count;
}

export async function leakCheck(
  contender: Contender,
  cycles = 100_000,
): Promise<{ heapGrowth: number; timersLeft: number }> {
  const token = jwt(3_600_000);
  const tokenRefresher = async () => token;
  const timersBefore = activeTimers();
  // Warm up so that lazily created module state is not counted as growth.
  for (let i = 0; i < 1_000; i++) {
    const credential = createCredential(contender, { tokenRefresher, refreshProactively: true });
    await credential.getToken();
    credential.dispose();
  }
  const before = collectedHeap();
  for (let i = 0; i < cycles; i++) {
    const credential = createCredential(contender, { tokenRefresher, refreshProactively: true });
    await credential.getToken();
    credential.dispose();
  }
  await new Promise((resolve) => setImmediate(resolve));
  const after = collectedHeap();
  return { heapGrowth: (after - before) / before, timersLeft: activeTimers() - timersBefore };
}
