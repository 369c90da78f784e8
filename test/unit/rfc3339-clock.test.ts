import { describe, expect, it } from 'vitest';
import { Rfc3339Clock } from '../../analyzers/parsers/rfc3339-clock.js';

// What k6 writes, and what other writers of the same format might: the clock must agree with
// Date.parse (fraction truncated to whole ms) on every one, whatever order they come in.
const TIMES = [
  '2026-12-01T17:08:52.123456789Z',
  '2026-12-01T17:08:52.999999999Z',
  '2026-12-01T17:08:53Z',
  '2026-12-01T17:08:53.5Z',
  '2026-12-01T19:08:53.000001+02:00',
  '2026-12-01T19:08:53.250+02:00',
  '2026-12-01T17:08:53.250Z',
  '2026-12-31T23:59:59.999Z',
  '2027-01-01T00:00:00.001Z',
];
const truth = (t: string): number => {
  const m = /^(.{19})(?:\.(\d+))?(.*)$/.exec(t) as RegExpExecArray;
  return Date.parse(m[1] + (m[3] as string)) + Math.floor(Number(`0.${m[2] ?? '0'}`) * 1000 + 1e-9);
};

describe('the k6 json reader clock', () => {
  it('parses every layout like Date.parse, in any order, from strings and from positions in a line', () => {
    const clock = new Rfc3339Clock();
    for (const order of [TIMES, [...TIMES].reverse(), [...TIMES, ...TIMES]]) {
      for (const t of order) {
        expect(clock.parse(t), t).toBe(truth(t));
        const line = `{"time":"${t}","value":1}`;
        expect(clock.at(line, 9, 9 + t.length), t).toBe(truth(t));
      }
    }
  });

  it('reads UTC times from bytes, and refuses other layouts there so the string path takes them', () => {
    const clock = new Rfc3339Clock();
    for (const t of TIMES) {
      const buf = Buffer.from(`"${t}"`, 'latin1');
      const ms = clock.atBytes(buf, 1, 1 + t.length);
      if (t.endsWith('Z') && t.length >= 21) expect(ms, t).toBe(truth(t));
      else expect(ms, t).toBeNaN();
    }
    expect(clock.atBytes(Buffer.from('2026-12-01T17:08:52.12x4Z'), 0, 25)).toBeNaN();
  });

  it('a string that is no time at all is NaN, not a number', () => {
    expect(new Rfc3339Clock().parse('yesterday')).toBeNaN();
  });
});
