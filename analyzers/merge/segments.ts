/**
 * k6 execution segments ("0:1/2", "1/2:1", "50%:100%", "0.5:1", or "1/2" for "0:1/2") as exact
 * fractions, so the merge can tell overlapping runners apart from neighbours without float slop.
 */
export interface Fraction {
  num: bigint;
  den: bigint;
}

export interface SegmentRange {
  from: Fraction;
  to: Fraction;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function fraction(num: bigint, den: bigint): Fraction {
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/** One bound of a segment: "1/2", "50%", "0.5", "0", "1"; null when it is not a number in [0, 1]. */
export function parseSegmentValue(text: string): Fraction | null {
  const s = text.trim();
  let f: Fraction | null = null;
  let m: RegExpMatchArray | null;
  if ((m = /^(\d+)\/(\d+)$/.exec(s))) {
    if (BigInt(m[2]!) === 0n) return null;
    f = fraction(BigInt(m[1]!), BigInt(m[2]!));
  } else if ((m = /^(\d+)(?:\.(\d+))?(%?)$/.exec(s))) {
    const decimals = m[2] ?? '';
    const scale = 10n ** BigInt(decimals.length) * (m[3] ? 100n : 1n);
    f = fraction(BigInt(m[1]! + decimals), scale);
  }
  if (!f || f.num > f.den) return null;
  return f;
}

/** "from:to" (or "to", meaning "0:to"); null when it is not a valid k6 execution segment. */
export function parseSegment(text: string): SegmentRange | null {
  const parts = text.split(':');
  if (parts.length > 2) return null;
  const from = parts.length === 2 ? parseSegmentValue(parts[0]!) : { num: 0n, den: 1n };
  const to = parseSegmentValue(parts[parts.length - 1]!);
  if (!from || !to || compareFractions(from, to) >= 0) return null;
  return { from, to };
}

export function compareFractions(a: Fraction, b: Fraction): number {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** True when the two half-open ranges [from, to) share a part. */
export function segmentsOverlap(a: SegmentRange, b: SegmentRange): boolean {
  return compareFractions(a.from, b.to) < 0 && compareFractions(b.from, a.to) < 0;
}

/** The whole test: what an unsegmented runner (segment null) runs. */
export const WHOLE_TEST: SegmentRange = { from: { num: 0n, den: 1n }, to: { num: 1n, den: 1n } };
