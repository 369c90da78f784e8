import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, tryParseDuration } from '../../core/duration.js';
import { UserError } from '../../core/errors.js';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['15s', 15_000],
    ['1h30m', 5_400_000],
    ['30d', 2_592_000_000],
    ['1.5m', 90_000],
  ])('parses %s as %d ms', (text, ms) => {
    expect(tryParseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 'fast', '5 minutes', '-3s', '1x'])('rejects "%s" with a message naming where it came from', (text) => {
    expect(() => parseDuration(text, '--duration')).toThrow(UserError);
    try {
      parseDuration(text, '--duration');
    } catch (err) {
      expect((err as UserError).where).toBe('--duration');
    }
  });

  it('formats k6-compatible durations', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(250)).toBe('250ms');
  });
});
