/** The Adler-32 checksum of b[0, n) (RFC 1950), the check of every zlib stream: one home for the deflater and the inflater. */
export function adler32(b: Uint8Array, n: number): number {
  let a = 1;
  let s = 0;
  for (let i = 0; i < n; ) {
    const stop = Math.min(n, i + 5552);
    for (; i < stop; i++) {
      a += b[i]!;
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  return ((s << 16) | a) >>> 0;
}
