import { describe, expect, it } from 'vitest';
import { parseProcStat, parseProcStatus } from '../../analyzers/resources/proc.js';
import { readPrometheusProcess } from '../../analyzers/resources/prometheus.js';
import { detectLeak } from '../../analyzers/resources/leak.js';
import { checkLimits } from '../../analyzers/resources/limits.js';
import type { ResourceSample, ResourceSeries } from '../../core/contract/artifacts.js';

describe('/proc parsers', () => {
  it('reads ppid, CPU ticks and threads even when the command name holds spaces and ")"', () => {
    // fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime prio nice threads …
    const stat = '4242 (node ) my (srv)) S 17 4242 4242 0 -1 4194560 900 0 0 0 150 50 0 0 20 0 11 0 12345 1000000 2500';
    expect(parseProcStat(stat)).toEqual({ pid: 4242, ppid: 17, cpuTicks: 200, threads: 11 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('reads VmRSS (kB) and Threads from status, and nothing for a zombie', () => {
    expect(parseProcStatus('Name:\tnode\nVmRSS:\t  51200 kB\nThreads:\t7\n')).toEqual({ rssKb: 51200, threads: 7 });
    expect(parseProcStatus('Name:\tnode\nState:\tZ (zombie)\nThreads:\t1\n')).toEqual({ rssKb: undefined, threads: 1 });
  });
});

describe('Prometheus process metrics', () => {
  it('reads the standard process collector and Node heap names, summing series of one family', () => {
    const text = [
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      'process_resident_memory_bytes 104857600',
      '# TYPE process_cpu_seconds_total counter',
      'process_cpu_seconds_total 12.5',
      '# TYPE nodejs_heap_size_used_bytes gauge',
      'nodejs_heap_size_used_bytes{worker="1"} 1000',
      'nodejs_heap_size_used_bytes{worker="2"} 2000',
      '# TYPE process_open_fds gauge',
      'process_open_fds 31',
      '',
    ].join('\n');
    expect(readPrometheusProcess(text)).toEqual({ rssBytes: 104857600, cpuSeconds: 12.5, heapUsedBytes: 3000, fds: 31 });
  });
});

const series = (fn: (tSec: number) => number, seconds: number): ResourceSample[] =>
  Array.from({ length: seconds }, (_, i) => ({ tMs: (i + 1) * 1000, cpuPct: 10, rssMb: fn(i + 1) }));

describe('leak rule', () => {
  it('suspects a steady 1 MB/s growth and reports its slope in MB/h', () => {
    const l = detectLeak(series((t) => 50 + t + (t % 3) * 0.2, 60));
    expect(l.suspected).toBe(true);
    expect(l.slopeMbPerHour).toBeCloseTo(3600, -2); // 1 MB/s = 3600 MB/h
    expect(l.ci95?.[0]).toBeGreaterThan(0);
  });

  it('does not call a warm-up ramp that then stays flat a leak', () => {
    // +40 MB in the first 10 s of 60, flat (± noise) afterwards.
    const l = detectLeak(series((t) => (t < 10 ? 50 + 4 * t : 90 + (t % 2) * 0.5), 60));
    expect(l.suspected, l.basis).toBe(false);
  });

  it('does not call a slope that is significant but tiny a leak (growth floor)', () => {
    // 0.05 MB/s over 45 analysed seconds ≈ 2 MB < the 5 MB floor.
    const l = detectLeak(series((t) => 80 + 0.05 * t, 60));
    expect(l.ci95?.[0]).toBeGreaterThan(0);
    expect(l.suspected, l.basis).toBe(false);
  });

  it('says n/a for a run too short to tell', () => {
    const l = detectLeak(series((t) => 50 + t, 15));
    expect(l).toMatchObject({ suspected: false, slopeMbPerHour: null, ci95: null });
    expect(l.basis).toMatch(/^n\/a: .*needs >= 20 samples over >= 20 s/);
  });
});

describe('resource limits', () => {
  const res: ResourceSeries = {
    source: 'proc',
    pid: 1,
    intervalMs: 1000,
    samples: [10, 20, 30, 40, 200].map((cpu, i) => ({ tMs: i * 1000, cpuPct: cpu, rssMb: 100 + i, fds: 20 })),
    leak: { suspected: false, slopeMbPerHour: null, ci95: null, basis: 'n/a', series: 'rssMb' },
  };

  it('checks CPU on its p95 and memory and fds on their peak', () => {
    const r = checkLimits({ cpuPct: 150, rssMb: 103, fds: 64 }, res);
    expect(r.map((l) => [l.name, l.statistic, l.status])).toEqual([
      ['cpuPct', 'p95', 'FAIL'],
      ['rssMb', 'peak', 'FAIL'],
      ['fds', 'peak', 'PASS'],
    ]);
    expect(r[1]?.observed).toBe(104);
  });

  it('reports n/a, not PASS, when the run has no samples for a limit', () => {
    expect(checkLimits({ heapMb: 256 }, res)[0]).toMatchObject({ status: 'n/a', observed: null });
    expect(checkLimits({ rssMb: 256 }, undefined)[0]?.status).toBe('n/a');
  });
});
