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

import { adler32 } from './adler32.js';

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

/** REVERSED[v]: the 15 bits of v in reverse order (codes are read least significant bit first). */
const REVERSED = new Uint16Array(1 << 15);
for (let v = 1; v < 1 << 15; v++) REVERSED[v] = (REVERSED[v >>> 1]! >>> 1) | ((v & 1) << 14);

/**
 * Fills h.table from h.count and h.symbol. A complete code no longer than the table covers every entry;
 * otherwise the entries of longer codes (and unused ones) are cleared to 0 first.
 */
function fillTable(h: Huffman, complete: boolean): void {
  let maxLen = 0;
  for (let len = 1; len < 16; len++) if (h.count[len] !== 0) maxLen = len;
  const tb = Math.min(maxLen, MAX_TABLE_BITS);
  h.tableBits = tb;
  const size = 1 << tb;
  const table = h.table;
  if (!complete || maxLen > tb) table.fill(0, 0, size);
  let code = 0;
  let index = 0;
  for (let len = 1; len <= tb; len++) {
    const step = 1 << len;
    for (let k = h.count[len]!; k > 0; k--) {
      const entry = (h.symbol[index++]! << 4) | len;
      for (let j = REVERSED[code]! >>> (15 - len); j < size; j += step) table[j] = entry;
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
  fillTable(h, left === 0);
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
const clCode = huffman(19);
const lengths = new Uint8Array(320);
/** The used symbols of a dynamic block's codes, in symbol order, and their lengths. */
const litSyms = new Uint16Array(288);
const litLens = new Uint8Array(288);
const distSyms = new Uint16Array(32);
const distLens = new Uint8Array(32);

/** build() for lengths given as the used symbols only (in symbol order; h.count[1..15] counted), of n symbols. */
function buildListed(h: Huffman, syms: Uint16Array, lens: Uint8Array, m: number, n: number): number {
  const count = h.count;
  count[0] = n - m;
  if (m === 0) {
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
  for (let k = 0; k < m; k++) h.symbol[offs[lens[k]!]!++] = syms[k]!;
  fillTable(h, left === 0);
  return left;
}

let out = Buffer.allocUnsafe(1 << 16);

/** Room for `n` more bytes after `len` in `out` (grown up to `max`), or INVALID. */
function room(len: number, n: number, max: number): void {
  if (len + n > max) throw INVALID;
  if (len + n > out.length) {
    const grown = Buffer.allocUnsafe(Math.min(max, Math.max(out.length * 2, len + n)));
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

  /**
   * The symbols of a block up to its end code. The hot loop of the inflater: its bit buffer, input and
   * output positions live in locals, written back to the fields only around the rare paths (a code
   * longer than the table, growing the output).
   */
  codes(lencode: Huffman, distcode: Huffman): void {
    const src = this.src;
    const end = this.end;
    const max = this.max;
    const lenTable = lencode.table;
    const lenMask = (1 << lencode.tableBits) - 1;
    const distTable = distcode.table;
    const distMask = (1 << distcode.tableBits) - 1;
    let pos = this.pos;
    let buf = this.bitBuf;
    let cnt = this.bitCnt;
    let n = this.outLen;
    let o = out;
    for (;;) {
      if (cnt < 15) {
        while (cnt < 24 && pos < end) {
          buf |= src[pos++]! << cnt;
          cnt += 8;
        }
      }
      let sym: number;
      const entry = lenTable[buf & lenMask]!;
      if (entry !== 0) {
        const len = entry & 15;
        if (len > cnt) throw INVALID;
        buf >>>= len;
        cnt -= len;
        sym = entry >>> 4;
      } else {
        this.pos = pos;
        this.bitBuf = buf;
        this.bitCnt = cnt;
        sym = this.decode(lencode);
        pos = this.pos;
        buf = this.bitBuf;
        cnt = this.bitCnt;
      }
      if (sym < 256) {
        if (n >= o.length) {
          room(n, 1, max);
          o = out;
        } else if (n >= max) throw INVALID;
        o[n++] = sym;
        continue;
      }
      if (sym === 256) break;
      sym -= 257;
      if (sym >= 29) throw INVALID;
      // A length, then a distance: at most 5 + 15 + 13 bits, refilled as it goes.
      let extra = LEN_EXTRA[sym]!;
      if (cnt < extra) {
        while (cnt < 24 && pos < end) {
          buf |= src[pos++]! << cnt;
          cnt += 8;
        }
        if (cnt < extra) throw INVALID;
      }
      const len = LEN_BASE[sym]! + (buf & ((1 << extra) - 1));
      buf >>>= extra;
      cnt -= extra;
      if (cnt < 15) {
        while (cnt < 24 && pos < end) {
          buf |= src[pos++]! << cnt;
          cnt += 8;
        }
      }
      let dsym: number;
      const dentry = distTable[buf & distMask]!;
      if (dentry !== 0) {
        const dl = dentry & 15;
        if (dl > cnt) throw INVALID;
        buf >>>= dl;
        cnt -= dl;
        dsym = dentry >>> 4;
      } else {
        this.pos = pos;
        this.bitBuf = buf;
        this.bitCnt = cnt;
        dsym = this.decode(distcode);
        pos = this.pos;
        buf = this.bitBuf;
        cnt = this.bitCnt;
      }
      if (dsym >= 30) throw INVALID;
      extra = DIST_EXTRA[dsym]!;
      if (cnt < extra) {
        while (cnt < 24 && pos < end) {
          buf |= src[pos++]! << cnt;
          cnt += 8;
        }
        if (cnt < extra) throw INVALID;
      }
      const dist = DIST_BASE[dsym]! + (buf & ((1 << extra) - 1));
      buf >>>= extra;
      cnt -= extra;
      if (dist > n) throw INVALID;
      if (n + len > o.length) {
        room(n, len, max);
        o = out;
      } else if (n + len > max) throw INVALID;
      for (let i = 0; i < len; i++, n++) o[n] = o[n - dist]!;
    }
    this.pos = pos;
    this.bitBuf = buf;
    this.bitCnt = cnt;
    this.outLen = n;
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

  /**
   * A dynamic block: its code-length code, then the literal/length and distance code lengths as runs
   * (only the used symbols listed, so the codes are built without scanning every symbol; the bit buffer
   * in locals), then its symbols.
   */
  dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw INVALID;
    lengths.fill(0, 0, 19);
    for (let i = 0; i < ncode; i++) lengths[ORDER[i]!] = this.bits(3);
    // Complete (or empty, whose every lookup below fails): each code is in the table (at most 7 bits).
    if (build(clCode, lengths, 0, 19) !== 0) throw INVALID;
    const table = clCode.table;
    const mask = (1 << clCode.tableBits) - 1;
    const src = this.src;
    const end = this.end;
    let pos = this.pos;
    let buf = this.bitBuf;
    let cnt = this.bitCnt;
    const litCount = dynLen.count;
    const distCount = dynDist.count;
    litCount.fill(0);
    distCount.fill(0);
    let nLit = 0;
    let nDist = 0;
    let endOfBlock = false;
    const total = nlen + ndist;
    let prev = 0;
    let i = 0;
    while (i < total) {
      if (cnt < 15) {
        while (cnt < 24 && pos < end) {
          buf |= src[pos++]! << cnt;
          cnt += 8;
        }
      }
      const entry = table[buf & mask]!;
      if (entry === 0) throw INVALID;
      const len = entry & 15;
      if (len > cnt) throw INVALID;
      buf >>>= len;
      cnt -= len;
      const sym = entry >>> 4;
      let l: number;
      let rep: number;
      if (sym < 16) {
        l = sym;
        rep = 1;
      } else {
        const extra = sym === 16 ? 2 : sym === 17 ? 3 : 7;
        if (cnt < extra) {
          while (cnt < 24 && pos < end) {
            buf |= src[pos++]! << cnt;
            cnt += 8;
          }
          if (cnt < extra) throw INVALID;
        }
        const v = buf & ((1 << extra) - 1);
        buf >>>= extra;
        cnt -= extra;
        if (sym === 16) {
          if (i === 0) throw INVALID;
          l = prev;
          rep = 3 + v;
        } else {
          l = 0;
          rep = (sym === 17 ? 3 : 11) + v;
        }
        if (i + rep > total) throw INVALID;
      }
      if (l !== 0) {
        for (let k = i; k < i + rep; k++) {
          if (k < nlen) {
            litCount[l]!++;
            litSyms[nLit] = k;
            litLens[nLit++] = l;
            if (k === 256) endOfBlock = true;
          } else {
            distCount[l]!++;
            distSyms[nDist] = k - nlen;
            distLens[nDist++] = l;
          }
        }
      }
      prev = l;
      i += rep;
    }
    this.pos = pos;
    this.bitBuf = buf;
    this.bitCnt = cnt;
    if (!endOfBlock) throw INVALID;
    if (!usable(dynLen, buildListed(dynLen, litSyms, litLens, nLit, nlen), nlen) || !usable(dynDist, buildListed(dynDist, distSyms, distLens, nDist, ndist), ndist)) throw INVALID;
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

/** The inflated bytes of the zlib stream input[from, to), or null (see the module comment). */
export function inflateZlib(input: Uint8Array, maxOutput: number, from = 0, to = input.length): Buffer | null {
  if (to - from < 6) return null;
  const cmf = input[from]!;
  const flg = input[from + 1]!;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0 || flg & 0x20) return null;
  const end = to - 4;
  let n: number;
  let streamEnd: number;
  try {
    n = inflater.run(input, from + 2, end, maxOutput);
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
