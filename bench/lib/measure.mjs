// Timing primitives shared by the Node runs and the Chromium page. Nothing here asserts on time.

export function check(result) {
  if (!result || typeof result.id !== "string") throw new Error(`a create resolved without an id: ${JSON.stringify(result)?.slice(0, 200)}`);
}

/** n sequential calls; resolves to µs per call. */
export async function timeSequential(call, task, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) check(await call(task));
  return ((performance.now() - t0) * 1000) / n;
}

/** n calls from `concurrency` workers; resolves to creates per second. */
export async function timeConcurrent(call, task, n, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next++ < n) check(await call(task));
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return n / ((performance.now() - t0) / 1000);
}

export function rotate(list, by) {
  const k = ((by % list.length) + list.length) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/**
 * Alternated rounds: each round runs one block per name, the order rotated by one each round, so every
 * name runs in every position equally often. `runBlock(name)` resolves to one sample.
 */
export async function alternate(names, rounds, runBlock, onRound) {
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of rotate(names, r)) samples[name].push(await runBlock(name, r));
    onRound?.(r);
  }
  return samples;
}
