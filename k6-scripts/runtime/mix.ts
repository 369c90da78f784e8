/**
 * The traffic mix: each iteration runs one journey, and a journey's weight is its share of
 * iterations. A low-discrepancy sequence over the iteration number keeps the shares exact even in
 * short runs (random picks would wobble by several percent over a few hundred iterations).
 */
const GOLDEN = 0.6180339887498949;

export function pickByWeight<T extends { weight: number }>(items: readonly T[], iteration: number): T {
  const total = items.reduce((a, j) => a + j.weight, 0);
  let x = ((iteration * GOLDEN) % 1) * total;
  for (const item of items) {
    if (x < item.weight) return item;
    x -= item.weight;
  }
  return items[items.length - 1] as T;
}
