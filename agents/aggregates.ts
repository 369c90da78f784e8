import type { SecretSet } from '../core/redact.js';

/** Keys that hold raw data (histograms, samples, raw files): never sent to an agent. */
const RAW_KEYS = new Set(['histogram', 'histogramUncorrected', 'windows', 'rawProfiles', 'rawArtifact', 'samples', 'headers']);

/** Deep copy with raw data removed: what an agent may see is aggregates only. */
export function aggregatesOnly(value: unknown, depth = 0): unknown {
  if (depth > 12) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => aggregatesOnly(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (RAW_KEYS.has(k)) continue;
      out[k] = aggregatesOnly(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : String(value);
  return value;
}

/** Aggregates as redacted JSON text, ready to be put in a prompt. */
export function promptData(aggregates: unknown, secrets: SecretSet): string {
  return secrets.redact(JSON.stringify(aggregatesOnly(aggregates), null, 1));
}
