/**
 * The preload (`node --import`, via NODE_OPTIONS) perf injects into a profiled Node target:
 * - the V8 CPU profiler, through the in-process inspector (`Profiler.start`/`Profiler.stop`, the same
 *   sampler and `.cpuprofile` format as `node --cpu-prof`, which Node 20 refuses in NODE_OPTIONS);
 * - event-loop delay (perf_hooks.monitorEventLoopDelay) and GC pauses (PerformanceObserver 'gc').
 * CPU profile, event-loop and GC figures cover the load period (from the 'load-started' marker perf writes).
 * Both are written into $PERF_MONITOR_DIR on exit; on SIGTERM/SIGINT without an app handler it
 * exits normally so they get written. Shipped as text and written next to the profiles.
 */
export const MONITOR_SOURCE = `// perf event-loop and GC monitor (written by perf profile; safe to delete)
import { monitorEventLoopDelay, PerformanceObserver, performance, constants } from 'node:perf_hooks';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector';

const dir = process.env.PERF_MONITOR_DIR;
if (dir) {
  // Only the first Node process of the start command's tree is profiled by this env (children inherit
  // NODE_OPTIONS too and profile themselves; perf keeps the busiest profile).
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PERF_CPU_PROF_INTERVAL_US ?? 1000) });
  session.post('Profiler.start');
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  const gc = { count: 0, totalMs: 0, byKind: {} };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kinds[e.detail?.kind ?? e.kind] ?? 'other';
      gc.count++;
      gc.totalMs += e.duration;
      gc.byKind[kind] = (gc.byKind[kind] ?? 0) + e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  let started = performance.now();
  // perf drops a 'load-started' file when it starts the load: from then on, count only the load
  // period (the service's own start-up, e.g. seeding a database, is not what we measure).
  let underLoad = false;
  const watch = setInterval(() => {
    if (underLoad || !existsSync(join(dir, 'load-started'))) return;
    underLoad = true;
    clearInterval(watch);
    eld.reset();
    // Restart the CPU profile too: the start-up samples (module loading, seeding) are dropped.
    session.post('Profiler.stop');
    session.post('Profiler.start');
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
    const ms = (ns) => (Number.isFinite(ns) ? ns / 1e6 : 0);
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
`;
