/**
 * The one timestamp parser of the k6 `--out json` reader. k6 writes RFC 3339 times with nanoseconds
 * ("2026-12-01T17:08:52.123456789Z") on every point, and `Date.parse` on each would dominate the
 * reader's time; points arrive in time order, so the "YYYY-MM-DDTHH:MM:SS" + zone part is parsed once
 * per second and the fraction is added as whole ms (truncated). One instance per file read: it keeps
 * the last second it parsed.
 */

/** Buffer#latin1Slice: Node's fastest byte→string for ASCII (not in @types/node). */
export const latin1 = (b: Buffer, start: number, end: number): string => (b as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(start, end);

const T = 84;
const Z = 90;
const DOT = 46;

export class Rfc3339Clock {
  /** String path: the cached second's "YYYY-MM-DDTHH:MM:SS" and zone, and its ms. */
  private prefix = '';
  private zone = '';
  private ms = 0;
  /** Byte path: the cached second's 19 bytes and its ms. */
  private readonly secBytes = new Uint8Array(19);
  private secValid = false;
  private secMs = 0;

  /** Unix ms of the timestamp in `text`. NaN when it is not a time at all. */
  parse(text: string): number {
    return this.at(text, 0, text.length);
  }

  /** Unix ms of the timestamp in line[ts, te) (no substring unless the second changes). */
  at(line: string, ts: number, te: number): number {
    if (te - ts < 20 || line.charCodeAt(ts + 10) !== T) return Date.parse(line.slice(ts, te));
    let i = ts + 19;
    let frac = 0;
    if (line.charCodeAt(i) === DOT) {
      i++;
      let scale = 100;
      while (i < te) {
        const c = line.charCodeAt(i);
        if (c < 48 || c > 57) break;
        if (scale >= 1) frac += (c - 48) * scale;
        scale /= 10;
        i++;
      }
    }
    const zoneIsZ = te - i === 1 && line.charCodeAt(i) === Z;
    const sameZone = zoneIsZ ? this.zone === 'Z' : this.zone === line.slice(i, te);
    if (!(sameZone && line.startsWith(this.prefix, ts) && this.prefix !== '')) {
      this.prefix = line.slice(ts, ts + 19);
      this.zone = line.slice(i, te);
      this.ms = Date.parse(this.prefix + this.zone);
    }
    return this.ms + Math.floor(frac);
  }

  /**
   * Unix ms of a "YYYY-MM-DDTHH:MM:SS[.digits]Z" timestamp in buf[ts, te), straight from the bytes.
   * NaN for any other layout (another zone, stray characters): the caller then takes the string path.
   */
  atBytes(buf: Buffer, ts: number, te: number): number {
    if (te - ts < 21 || buf[ts + 10] !== T || buf[te - 1] !== Z) return Number.NaN;
    let i = ts + 19;
    let frac = 0;
    if (buf[i] === DOT) {
      i++;
      let scale = 100;
      while (i < te - 1) {
        const c = buf[i]!;
        if (c < 48 || c > 57) return Number.NaN;
        if (scale >= 1) frac += (c - 48) * scale;
        scale /= 10;
        i++;
      }
    }
    if (i !== te - 1) return Number.NaN;
    let same = this.secValid;
    if (same) {
      for (let k = 0; k < 19; k++) {
        if (buf[ts + k] !== this.secBytes[k]) {
          same = false;
          break;
        }
      }
    }
    if (!same) {
      const ms = Date.parse(`${latin1(buf, ts, ts + 19)}Z`);
      if (!Number.isFinite(ms)) return Number.NaN;
      this.secMs = ms;
      for (let k = 0; k < 19; k++) this.secBytes[k] = buf[ts + k]!;
      this.secValid = true;
    }
    return this.secMs + Math.floor(frac);
  }
}
