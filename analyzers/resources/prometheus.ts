import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/**
 * The process figures of a Prometheus text exposition (a service's own /metrics): the standard
 * process collector's names (prom-client, client_golang, client_python) and prom-client's Node heap.
 */
export interface PrometheusProcess {
  rssBytes?: number;
  cpuSeconds?: number;
  heapUsedBytes?: number;
  fds?: number;
  threads?: number;
}

const NAMES: Record<keyof PrometheusProcess, string> = {
  rssBytes: 'process_resident_memory_bytes',
  cpuSeconds: 'process_cpu_seconds_total',
  heapUsedBytes: 'nodejs_heap_size_used_bytes',
  fds: 'process_open_fds',
  threads: 'process_threads',
};

export function readPrometheusProcess(text: string): PrometheusProcess {
  const families = parsePrometheusTextFormat(text);
  const out: PrometheusProcess = {};
  for (const [key, name] of Object.entries(NAMES) as [keyof PrometheusProcess, string][]) {
    const family = families.find((f) => f.name === name);
    // Several series (labels) of one family are summed: e.g. one per worker.
    const values = (family?.metrics ?? []).map((m) => Number('value' in m ? m.value : NaN)).filter(Number.isFinite);
    if (values.length > 0) out[key] = values.reduce((a, b) => a + b, 0);
  }
  return out;
}
