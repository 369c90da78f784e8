/**
 * A small zlib (RFC 1950/1951) inflater for the short payloads of HdrHistogram encodings: a soak's
 * merge inflates hundreds of thousands of them, and native `inflateSync` costs a fresh zlib stream
 * per call (several µs each). Contract: `inflateZlib` returns the inflated bytes only for a complete
 * stream whose Adler-32 checks and that ends exactly at the input's end; for anything else (corrupt,
 * truncated, preset dictionary, trailing bytes, output above `maxOutput`) it returns null, and the
 * caller takes native zlib, which gives the result or the error. The bytes are a view of a reused
 * buffer, valid until the next call.
 *
 * Why not a library: on the payloads of a real k6 run (json-server, 2 s windows) native `inflateSync`
 * took 9.9 µs a payload, fflate 0.8.3's `unzlibSync` 83 µs (it allocates a fresh output buffer per
 * call), this inflater 2.3 µs (measured 2026-12-07, 200 k payloads each, one process).
 */

class Invalid extends Error {}
const INVALID = new Invalid();

/**
 * A canonical Huffman code: how many codes of each length, the symbols in code order, and a lookup
 * table of the next `tableBits` input bits → (symbol << 4 | length) for codes that short (0: decode
 * the long way).
 */
interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
  table: Int32Array;
  tableBits: number;
}

const MAX_TABLE_BITS = 10;
const huffman = (symbols: number): Huffman => ({ count: new Uint16Array(16), symbol: new Uint16Array(symbols), table: new Int32Array(1 << MAX_TABLE_BITS), tableBits: 0 });

/** Fills h.table from h.count and h.symbol (codes are read least significant bit first, hence reversed). */
function fillTable(h: Huffman): void {
  let maxLen = 0;
  for (let len = 1; len < 16; len++) if (h.count[len] !== 0) maxLen = len;
  const tb = Math.min(maxLen, MAX_TABLE_BITS);
  h.tableBits = tb;
  const size = 1 << tb;
  const table = h.table;
  table.fill(0, 0, size);
  let code = 0;
  let index = 0;
  for (let len = 1; len <= tb; len++) {
    for (let k = h.count[len]!; k > 0; k--) {
      let rev = 0;
      for (let b = 0, c = code; b < len; b++, c >>>= 1) rev = (rev << 1) | (c & 1);
      const entry = (h.symbol[index++]! << 4) | len;
      for (let j = rev; j < size; j += 1 << len) table[j] = entry;
      code++;
    }
    code <<= 1;
  }
}
const offs = new Uint16Array(16);

/**
 * Builds `h` from code lengths. Returns the codes left unused: 0 for a complete code, > 0 for an
 * incomplete one, < 0 when the lengths over-subscribe the code.
 */
function build(h: Huffman, lengths: Uint8Array, from: number, n: number): number {
  const count = h.count;
  count.fill(0);
  for (let s = 0; s < n; s++) count[lengths[from + s]!]!++;
  if (count[0] === n) {
    h.tableBits = 0;
    h.table[0] = 0;
    return 0;
  }
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left <<= 1;
    left -= count[len]!;
    if (left < 0) return left;
  }
  offs[1] = 0;
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + count[len]!;
  for (let s = 0; s < n; s++) {
    const l = lengths[from + s]!;
    if (l !== 0) h.symbol[offs[l]!++] = s;
  }
  fillTable(h);
  return left;
}

/** zlib's rule: a literal/length or distance code is complete, or is one code of length 1. */
const usable = (h: Huffman, left: number, n: number): boolean => left === 0 || (left > 0 && n === h.count[0]! + h.count[1]!);

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

const fixedLen = huffman(288);
const fixedDist = huffman(30);
{
  const l = new Uint8Array(320);
  l.fill(8, 0, 144);
  l.fill(9, 144, 256);
  l.fill(7, 256, 280);
  l.fill(8, 280, 288);
  l.fill(5, 288, 318);
  build(fixedLen, l, 0, 288);
  build(fixedDist, l, 288, 30);
}
const dynLen = huffman(288);
const dynDist = huffman(30);
const lengths = new Uint8Array(320);

let out = new Uint8Array(1 << 16);

/** Room for `n` more bytes after `len` in `out` (grown up to `max`), or INVALID. */
function room(len: number, n: number, max: number): void {
  if (len + n > max) throw INVALID;
  if (len + n > out.length) {
    const grown = new Uint8Array(Math.min(max, Math.max(out.length * 2, len + n)));
    grown.set(out.subarray(0, len));
    out = grown;
  }
}

/**
 * The blocks of a deflate stream into `out`: the state lives in one reused object's fields, so a
 * call allocates nothing (this is the hot loop of a soak's merge).
 */
class Inflater {
  src: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  bitBuf = 0;
  bitCnt = 0;
  outLen = 0;
  max = 0;

  need(n: number): void {
    while (this.bitCnt < n) {
      if (this.pos >= this.end) throw INVALID;
      this.bitBuf |= this.src[this.pos++]! << this.bitCnt;
      this.bitCnt += 8;
    }
  }

  bits(n: number): number {
    this.need(n);
    const v = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCnt -= n;
    return v;
  }

  /** One symbol of `h`: by table when its code is short, else the canonical code read bit by bit (codes are at most 15 bits). */
  decode(h: Huffman): number {
    if (this.bitCnt < 15) {
      const src = this.src;
      while (this.bitCnt < 24 && this.pos < this.end) {
        this.bitBuf |= src[this.pos++]! << this.bitCnt;
        this.bitCnt += 8;
      }
    }
    const entry = h.table[this.bitBuf & ((1 << h.tableBits) - 1)]!;
    if (entry !== 0) {
      const len = entry & 15;
      if (len > this.bitCnt) throw INVALID;
      this.bitBuf >>>= len;
      this.bitCnt -= len;
      return entry >>> 4;
    }
    const count = h.count;
    let code = 0;
    let first = 0;
    let index = 0;
    let buf = this.bitBuf;
    for (let len = 1; len < 16; len++) {
      code |= buf & 1;
      buf >>>= 1;
      const c = count[len]!;
      if (code - c < first) {
        if (len > this.bitCnt) throw INVALID;
        this.bitBuf = buf;
        this.bitCnt -= len;
        return h.symbol[index + (code - first)]!;
      }
      index += c;
      first = (first + c) << 1;
      code <<= 1;
    }
    throw INVALID;
  }

  codes(lencode: Huffman, distcode: Huffman): void {
    for (;;) {
      let sym = this.decode(lencode);
      if (sym < 256) {
        if (this.outLen >= out.length) room(this.outLen, 1, this.max);
        else if (this.outLen >= this.max) throw INVALID;
        out[this.outLen++] = sym;
      } else if (sym === 256) return;
      else {
        sym -= 257;
        if (sym >= 29) throw INVALID;
        const len = LEN_BASE[sym]! + this.bits(LEN_EXTRA[sym]!);
        const dsym = this.decode(distcode);
        if (dsym >= 30) throw INVALID;
        const dist = DIST_BASE[dsym]! + this.bits(DIST_EXTRA[dsym]!);
        let n = this.outLen;
        if (dist > n) throw INVALID;
        room(n, len, this.max);
        const o = out;
        for (let i = 0; i < len; i++, n++) o[n] = o[n - dist]!;
        this.outLen = n;
      }
    }
  }

  stored(): void {
    // Byte-aligned: the bits left in the buffer are dropped, whole bytes in it given back.
    this.pos -= this.bitCnt >>> 3;
    this.bitBuf = 0;
    this.bitCnt = 0;
    const src = this.src;
    const pos = this.pos;
    if (pos + 4 > this.end) throw INVALID;
    const len = src[pos]! | (src[pos + 1]! << 8);
    if ((len ^ 0xffff) !== (src[pos + 2]! | (src[pos + 3]! << 8))) throw INVALID;
    if (pos + 4 + len > this.end) throw INVALID;
    room(this.outLen, len, this.max);
    out.set(src.subarray(pos + 4, pos + 4 + len), this.outLen);
    this.outLen += len;
    this.pos = pos + 4 + len;
  }

  dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw INVALID;
    lengths.fill(0, 0, 19);
    for (let i = 0; i < ncode; i++) lengths[ORDER[i]!] = this.bits(3);
    if (build(dynLen, lengths, 0, 19) !== 0) throw INVALID;
    let i = 0;
    while (i < nlen + ndist) {
      const sym = this.decode(dynLen);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let len = 0;
      let rep: number;
      if (sym === 16) {
        if (i === 0) throw INVALID;
        len = lengths[i - 1]!;
        rep = 3 + this.bits(2);
      } else if (sym === 17) rep = 3 + this.bits(3);
      else rep = 11 + this.bits(7);
      if (i + rep > nlen + ndist) throw INVALID;
      lengths.fill(len, i, i + rep);
      i += rep;
    }
    if (lengths[256] === 0) throw INVALID;
    if (!usable(dynLen, build(dynLen, lengths, 0, nlen), nlen) || !usable(dynDist, build(dynDist, lengths, nlen, ndist), ndist)) throw INVALID;
    this.codes(dynLen, dynDist);
  }

  /** Inflates src[from, end); returns the bytes written (the stream's end is then `streamEnd()`). */
  run(src: Uint8Array, from: number, end: number, max: number): number {
    this.src = src;
    this.pos = from;
    this.end = end;
    this.bitBuf = 0;
    this.bitCnt = 0;
    this.outLen = 0;
    this.max = max;
    let last = 0;
    while (!last) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) this.codes(fixedLen, fixedDist);
      else if (type === 2) this.dynamic();
      else throw INVALID;
    }
    return this.outLen;
  }

  /** Where the stream ended: whole bytes read ahead into the buffer are not part of it. */
  streamEnd(): number {
    return this.pos - (this.bitCnt >>> 3);
  }

  release(): void {
    this.src = EMPTY;
  }
}

const EMPTY = new Uint8Array(0);
const inflater = new Inflater();

function adler32(b: Uint8Array, n: number): number {
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

/** The inflated bytes of the zlib stream `input`, or null (see the module comment). */
export function inflateZlib(input: Uint8Array, maxOutput: number): Uint8Array | null {
  if (input.length < 6) return null;
  const cmf = input[0]!;
  const flg = input[1]!;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0 || flg & 0x20) return null;
  const end = input.length - 4;
  let n: number;
  let streamEnd: number;
  try {
    n = inflater.run(input, 2, end, maxOutput);
    streamEnd = inflater.streamEnd();
  } catch (err) {
    if (err instanceof Invalid) return null;
    throw err;
  } finally {
    inflater.release();
  }
  if (streamEnd !== end) return null;
  const check = ((input[end]! << 24) | (input[end + 1]! << 16) | (input[end + 2]! << 8) | input[end + 3]!) >>> 0;
  if (check !== adler32(out, n)) return null;
  return out.subarray(0, n);
}
