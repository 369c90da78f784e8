/**
 * The preload perf injects into every Node target it starts (`node --require`, via NODE_OPTIONS;
 * CommonJS so it loads on any Node version and before ESM apps). Nothing goes to the target's stdout
 * or stderr; it reports only into files perf reads, and only when asked through the environment:
 * - $PERF_RUNTIME_DIR (capture/target/node-preload.ts, every start): once a second one NDJSON line in
 *   `runtime-<pid>.ndjson` — heap used/total, heap used right after the last major GC, event-loop
 *   delay p50/p99/max over that second (perf_hooks.monitorEventLoopDelay), GC time and count
 *   (PerformanceObserver 'gc'). A file, not an IPC fd or socket: it needs no change to how the target
 *   is spawned (an IPC channel would make `process.send` appear and keep the app alive), every Node
 *   process of the start command's tree (npm, the service) writes its own, and the sampler reads it
 *   at its own pace; lines are written with one synchronous write each (< 200 bytes).
 * - $PERF_MONITOR_DIR (perf profile): the V8 CPU profiler through the in-process inspector
 *   (`Profiler.start`/`stop`, the format of `node --cpu-prof`, which Node 20 refuses in NODE_OPTIONS),
 *   with $PERF_HEAP_PROFILE=1 also the sampling heap profiler (`HeapProfiler.startSampling`/
 *   `stopSampling`, same session: the sampled allocations still live when the load ends), plus
 *   whole-load event-loop and GC figures. They cover the load period (from the 'load-started' marker
 *   perf writes) and are written on exit; on SIGTERM/SIGINT without an app handler the process exits
 *   normally so they get written.
 */
export const MONITOR_FILE = 'perf-preload.cjs';

export const MONITOR_SOURCE = `// perf preload: runtime series and profiles of a Node target (written by perf; safe to delete)
'use strict';
const { monitorEventLoopDelay, PerformanceObserver, performance, constants } = require('node:perf_hooks');
const { existsSync, openSync, writeSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const v8 = require('node:v8');

// monitorEventLoopDelay records the time between its timer's runs, resolution included (an idle
// loop reads 10 ms at resolution 10): the delay is what exceeds the resolution.
const RESOLUTION_MS = 10;
const delayMs = (ns, per) => (Number.isFinite(ns) ? Math.round(Math.max(0, ns / 1e6 - RESOLUTION_MS) * per) / per : 0);

const runtimeDir = process.env.PERF_RUNTIME_DIR;
const dir = process.env.PERF_MONITOR_DIR;
if (runtimeDir || dir) {
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  // Whole-load totals (profile) and per-second counters (runtime series), from one observer.
  const gc = { count: 0, totalMs: 0, byKind: {} };
  const tick = { count: 0, ms: 0 };
  let heapAfterGc = null;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kinds[e.detail ? e.detail.kind : e.kind] || 'other';
      gc.count++;
      gc.totalMs += e.duration;
      gc.byKind[kind] = (gc.byKind[kind] || 0) + e.duration;
      tick.count++;
      tick.ms += e.duration;
      // Delivered right after the collection: what a major GC left is the live heap.
      if (kind === 'major') heapAfterGc = v8.getHeapStatistics().used_heap_size;
    }
  });
  obs.observe({ entryTypes: ['gc'] });

  if (runtimeDir) {
    let fd;
    try { fd = openSync(join(runtimeDir, 'runtime-' + process.pid + '.ndjson'), 'a'); } catch {}
    if (fd !== undefined) {
      const eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      eld.enable();
      const ms = (ns) => delayMs(ns, 100);
      const timer = setInterval(() => {
        const h = v8.getHeapStatistics();
        const line = JSON.stringify({
          t: Date.now(),
          pid: process.pid,
          heapUsed: h.used_heap_size,
          heapTotal: h.total_heap_size,
          heapAfterGc,
          eld: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max) },
          gcMs: Math.round(tick.ms * 1000) / 1000,
          gcCount: tick.count,
        });
        eld.reset();
        tick.count = 0;
        tick.ms = 0;
        try { writeSync(fd, line + '\\n'); } catch {}
      }, Number(process.env.PERF_RUNTIME_INTERVAL_MS || 1000));
      timer.unref();
    }
  }

  if (dir) {
    // Every Node process of the start command's tree profiles itself (children inherit NODE_OPTIONS);
    // perf keeps the busiest profile.
    const { Session } = require('node:inspector');
    const session = new Session();
    session.connect();
    const heap = process.env.PERF_HEAP_PROFILE === '1';
    const heapOptions = { samplingInterval: Number(process.env.PERF_HEAP_SAMPLING_BYTES || 32768) };
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PERF_CPU_PROF_INTERVAL_US || 1000) });
    session.post('Profiler.start');
    if (heap) session.post('HeapProfiler.startSampling', heapOptions);
    const eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    eld.enable();
    let started = performance.now();
    // perf drops a 'load-started' file when it starts the load: from then on, count only the load
    // period (the service's own start-up, e.g. seeding a database, is not what we measure).
    let underLoad = false;
    const watch = setInterval(() => {
      if (underLoad || !existsSync(join(dir, 'load-started'))) return;
      underLoad = true;
      clearInterval(watch);
      eld.reset();
      // Restart the profiles too: the start-up samples (module loading, seeding) are dropped.
      session.post('Profiler.stop');
      session.post('Profiler.start');
      if (heap) {
        session.post('HeapProfiler.stopSampling');
        session.post('HeapProfiler.startSampling', heapOptions);
      }
      gc.count = 0;
      gc.totalMs = 0;
      gc.byKind = {};
      started = performance.now();
    }, 100);
    watch.unref();
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      eld.disable();
      const ms = (ns) => delayMs(ns, 1000);
      const report = {
        pid: process.pid,
        argv: process.argv.slice(1),
        wallMs: performance.now() - started,
        sinceLoadStart: underLoad,
        eventLoopDelayMs: { p50: ms(eld.percentile(50)), p90: ms(eld.percentile(90)), p99: ms(eld.percentile(99)), max: ms(eld.max), mean: ms(eld.mean) },
        gc,
      };
      try { writeFileSync(join(dir, 'monitor-' + process.pid + '.json'), JSON.stringify(report)); } catch {}
      // The inspector session answers synchronously on the main thread, so this works inside 'exit'.
      if (heap) {
        session.post('HeapProfiler.stopSampling', (err, result) => {
          if (err || !result) return;
          try { writeFileSync(join(dir, 'Heap.' + process.pid + '.heapprofile'), JSON.stringify(result.profile)); } catch {}
        });
      }
      session.post('Profiler.stop', (err, result) => {
        if (err || !result) return;
        try { writeFileSync(join(dir, 'CPU.' + process.pid + '.cpuprofile'), JSON.stringify(result.profile)); } catch {}
      });
    };
    process.on('exit', write);
    for (const sig of ['SIGTERM', 'SIGINT']) {
      const onSignal = () => {
        write();
        // Only our listener: do what the default would (end the process), but through exit so the profile gets written.
        if (process.listenerCount(sig) === 1) process.exit(0);
      };
      process.on(sig, onSignal);
    }
  }
}
`;
