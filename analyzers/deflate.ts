/**
 * A small zlib (RFC 1950/1951) deflater for the payloads of HdrHistogram encodings: one dynamic-Huffman
 * block of literals, no LZ77 matching (zlib's Z_HUFFMAN_ONLY strategy). The ZigZag counts of a histogram
 * barely repeat, so matching buys nothing: on the merged windows of bench/merge zlib's default level gives
 * 309 bytes a payload, Z_HUFFMAN_ONLY 298, this 298. Any inflater reads it (native zlib, Go's
 * compress/zlib, analyzers/inflate.ts).
 *
 * Why not native `deflateSync`: a fresh zlib stream per call costs ~20 µs a payload (its 256 KB window
 * state), this ~2 µs; a soak's merge encodes tens of thousands (measured on bench/merge, node 20).
 * The bytes are a view of a reused buffer, valid until the next call.
 */

import { adler32 } from './adler32.js';

/** Longest code deflate allows for literals/lengths and for the code-length alphabet. */
const MAX_BITS = 15;
const MAX_CL_BITS = 7;
/** The order the code-length code lengths are written in (RFC 1951 3.2.7). */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const END_OF_BLOCK = 256;

const litFreq = new Uint32Array(286);
const litFreq2 = new Uint32Array(256);
const litLen = new Uint8Array(286);
const litCode = new Uint16Array(286);
const clFreq = new Uint32Array(19);
const clLen = new Uint8Array(19);
const clCode = new Uint16Array(19);
/** The run-length coded code lengths: symbol, and its extra bits' value. */
const rleSym = new Uint8Array(286 + 2);
const rleExtra = new Uint8Array(286 + 2);

/** Scratch of the Huffman construction: nodes 0..m-1 are the leaves by frequency, then the internal nodes as made. */
const nodeFreq = new Float64Array(2 * 286);
const nodeParent = new Int32Array(2 * 286);
const depth = new Uint8Array(2 * 286);
const leafSymbol = new Uint16Array(286);
/** Leaves as frequency × 512 + symbol, sorted: by frequency, then symbol. */
const sortKeys = new Float64Array(286);
const blCount = new Uint16Array(MAX_BITS + 2);
const nextCode = new Uint16Array(MAX_BITS + 2);

/**
 * Huffman code lengths for freq[0, n) into len (0 for an unused symbol), at most `limit` bits, complete
 * (at least two codes, as zlib forces, so every inflater takes it). Past the limit, the frequencies are
 * halved (keeping every used symbol) and the tree rebuilt: rare, and the code stays valid.
 */
function codeLengths(freq: Uint32Array, n: number, limit: number, len: Uint8Array): void {
  len.fill(0, 0, n);
  let m = 0;
  for (let s = 0; s < n; s++) {
    const f = freq[s]!;
    if (f !== 0) sortKeys[m++] = f * 512 + s;
  }
  // Fewer than two used symbols: the used one (if any) and the first unused get one bit each.
  if (m < 2) {
    let unused = 2 - m;
    for (let s = 0; s < n; s++) {
      if (freq[s] !== 0) len[s] = 1;
      else if (unused > 0) {
        len[s] = 1;
        unused--;
      }
    }
    return;
  }
  for (let shift = 0; ; shift++) {
    if (shift > 0) {
      for (let i = 0; i < m; i++) {
        const s = leafSymbol[i]!;
        sortKeys[i] = Math.max(1, Math.floor(freq[s]! / 2 ** shift)) * 512 + s;
      }
    }
    // Insertion sort: a histogram payload uses a few dozen byte values.
    for (let i = 1; i < m; i++) {
      const x = sortKeys[i]!;
      let j = i - 1;
      while (j >= 0 && sortKeys[j]! > x) {
        sortKeys[j + 1] = sortKeys[j]!;
        j--;
      }
      sortKeys[j + 1] = x;
    }
    for (let i = 0; i < m; i++) {
      const k = sortKeys[i]!;
      const f = Math.floor(k / 512);
      leafSymbol[i] = k - f * 512;
      nodeFreq[i] = f;
    }
    // Two queues: the sorted leaves, and the internal nodes (made in increasing frequency).
    let li = 0;
    let ni = m;
    let next = m;
    for (let k = 0; k < m - 1; k++) {
      const a = li < m && (ni >= next || nodeFreq[li]! <= nodeFreq[ni]!) ? li++ : ni++;
      const b = li < m && (ni >= next || nodeFreq[li]! <= nodeFreq[ni]!) ? li++ : ni++;
      nodeFreq[next] = nodeFreq[a]! + nodeFreq[b]!;
      nodeParent[a] = next;
      nodeParent[b] = next;
      next++;
    }
    const root = next - 1;
    depth[root] = 0;
    let maxLen = 0;
    for (let v = root - 1; v >= 0; v--) {
      const d = depth[nodeParent[v]!]! + 1;
      depth[v] = d;
      if (v < m && d > maxLen) maxLen = d;
    }
    if (maxLen <= limit) {
      for (let i = 0; i < m; i++) len[leafSymbol[i]!] = depth[i]!;
      return;
    }
  }
}

/** REVERSED[v]: the 15 bits of v in reverse order. */
const REVERSED = new Uint16Array(1 << MAX_BITS);
for (let v = 1; v < 1 << MAX_BITS; v++) REVERSED[v] = (REVERSED[v >>> 1]! >>> 1) | ((v & 1) << (MAX_BITS - 1));

/** Canonical codes of the lengths, bit-reversed (deflate sends codes most significant bit first, bits least first). */
function canonicalCodes(len: Uint8Array, n: number, code: Uint16Array): void {
  blCount.fill(0);
  for (let s = 0; s < n; s++) blCount[len[s]!]!++;
  blCount[0] = 0;
  let c = 0;
  for (let bits = 1; bits <= MAX_BITS; bits++) {
    c = (c + blCount[bits - 1]!) << 1;
    nextCode[bits] = c;
  }
  for (let s = 0; s < n; s++) {
    const l = len[s]!;
    if (l === 0) continue;
    code[s] = REVERSED[nextCode[l]!++]! >>> (MAX_BITS - l);
  }
}

let out = new Uint8Array(1 << 16);
let pos = 0;
let bitBuf = 0;
let bitCnt = 0;

function put(value: number, bits: number): void {
  bitBuf |= value << bitCnt;
  bitCnt += bits;
  while (bitCnt >= 8) {
    out[pos++] = bitBuf & 0xff;
    bitBuf >>>= 8;
    bitCnt -= 8;
  }
}

/** Run-length codes of the code lengths len[0, n) (symbols 16, 17, 18 of RFC 1951 3.2.7); returns how many. */
function runLengths(len: Uint8Array, n: number): number {
  let k = 0;
  let i = 0;
  while (i < n) {
    const l = len[i]!;
    let run = 1;
    while (i + run < n && len[i + run] === l) run++;
    i += run;
    if (l === 0) {
      while (run >= 11) {
        const r = Math.min(run, 138);
        rleSym[k] = 18;
        rleExtra[k++] = r - 11;
        run -= r;
      }
      if (run >= 3) {
        rleSym[k] = 17;
        rleExtra[k++] = run - 3;
        run = 0;
      }
    } else {
      rleSym[k] = l;
      rleExtra[k++] = 0;
      run--;
      while (run >= 3) {
        const r = Math.min(run, 6);
        rleSym[k] = 16;
        rleExtra[k++] = r - 3;
        run -= r;
      }
    }
    for (; run > 0; run--) {
      rleSym[k] = l;
      rleExtra[k++] = 0;
    }
  }
  return k;
}

/** The zlib stream of input[0, n): header, one final dynamic-Huffman block of literals, Adler-32. */
export function deflateZlib(input: Uint8Array, n = input.length): Uint8Array {
  // Worst case: header, code tables (< 300 bytes), 15 bits a literal, trailer.
  const need = 2 + 320 + Math.ceil((n * MAX_BITS) / 8) + 8;
  if (out.length < need) out = new Uint8Array(Math.max(need, out.length * 2));
  // Two counts, alternate bytes: a run of one value does not wait on its own last increment.
  litFreq.fill(0);
  litFreq2.fill(0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    litFreq[input[i]!]!++;
    litFreq2[input[i + 1]!]!++;
  }
  if (i < n) litFreq[input[i]!]!++;
  for (let s = 0; s < 256; s++) litFreq[s]! += litFreq2[s]!;
  litFreq[END_OF_BLOCK] = 1;
  codeLengths(litFreq, 257, MAX_BITS, litLen);
  canonicalCodes(litLen, 257, litCode);
  let nlit = 257;
  // Two distance codes of one bit each, unused: zlib writes the same for a block of literals only.
  litLen[257] = 1;
  litLen[258] = 1;
  const k = runLengths(litLen, nlit + 2);
  clFreq.fill(0);
  for (let i = 0; i < k; i++) clFreq[rleSym[i]!]!++;
  codeLengths(clFreq, 19, MAX_CL_BITS, clLen);
  canonicalCodes(clLen, 19, clCode);
  let nclen = 19;
  while (nclen > 4 && clLen[CL_ORDER[nclen - 1]!] === 0) nclen--;

  pos = 0;
  bitBuf = 0;
  bitCnt = 0;
  out[pos++] = 0x78; // deflate, 32 KB window
  out[pos++] = 0x01; // fastest level, no dictionary; (0x78 << 8 | 0x01) % 31 === 0
  put(1, 1); // final block
  put(2, 2); // dynamic Huffman
  put(nlit - 257, 5);
  put(2 - 1, 5);
  put(nclen - 4, 4);
  for (let i = 0; i < nclen; i++) put(clLen[CL_ORDER[i]!]!, 3);
  for (let i = 0; i < k; i++) {
    const s = rleSym[i]!;
    put(clCode[s]!, clLen[s]!);
    if (s === 16) put(rleExtra[i]!, 2);
    else if (s === 17) put(rleExtra[i]!, 3);
    else if (s === 18) put(rleExtra[i]!, 7);
  }
  // The literals: the hot loop, its bit buffer in locals.
  {
    const o = out;
    let p = pos;
    let buf = bitBuf;
    let cnt = bitCnt;
    for (let i = 0; i < n; i++) {
      const b = input[i]!;
      buf |= litCode[b]! << cnt;
      cnt += litLen[b]!;
      if (cnt >= 16) {
        o[p++] = buf & 0xff;
        o[p++] = (buf >>> 8) & 0xff;
        buf >>>= 16;
        cnt -= 16;
      }
    }
    pos = p;
    bitBuf = buf;
    bitCnt = cnt;
    while (bitCnt >= 8) {
      out[pos++] = bitBuf & 0xff;
      bitBuf >>>= 8;
      bitCnt -= 8;
    }
  }
  put(litCode[END_OF_BLOCK]!, litLen[END_OF_BLOCK]!);
  if (bitCnt > 0) put(0, 8 - bitCnt);
  const check = adler32(input, n);
  out[pos++] = check >>> 24;
  out[pos++] = (check >>> 16) & 0xff;
  out[pos++] = (check >>> 8) & 0xff;
  out[pos++] = check & 0xff;
  return out.subarray(0, pos);
}
