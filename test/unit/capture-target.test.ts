import { describe, expect, it } from 'vitest';
import { joinUrl, resolveTargetEnv } from '../../capture/target/start-target.js';
import { progressLine } from '../../capture/load/progress-line.js';

describe('target lifecycle helpers', () => {
  it('resolves ${ENV} in target.start.env from perf\'s own environment', () => {
    expect(resolveTargetEnv({ PORT: '8080', DB: '${DB_URL}', MISSING: 'x${NOPE}y' }, { DB_URL: 'postgres://db' })).toEqual({
      PORT: '8080',
      DB: 'postgres://db',
      MISSING: 'xy',
    });
  });

  it('joins baseUrl and a path without doubled or missing slashes', () => {
    expect(joinUrl('http://127.0.0.1:8080/', '/health')).toBe('http://127.0.0.1:8080/health');
    expect(joinUrl('http://127.0.0.1:8080/api', 'health')).toBe('http://127.0.0.1:8080/api/health');
  });
});

describe('live progress line', () => {
  it('shows elapsed/total, req/s, p95 and errors', () => {
    const line = progressLine('baseline', { elapsedMs: 3000, totalMs: 15000, requests: 900, rps: 301.4, p95Ms: 12.34, errors: 2, warmingUp: false });
    expect(line).toBe('baseline 3s/15s  301 req/s  p95 12.3 ms  errors 2');
  });
});
