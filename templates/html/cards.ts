import { fmtMs, fmtNum, fmtPct } from '../../core/format.js';
import { primary, type ReportInputs } from '../../report/inputs.js';
import { html, type SafeHtml } from './safe.js';
import { statusBadge } from './status.js';

/** The headline cards: SLO status, capacity, load-test p95 and throughput. */
export function cards(inputs: ReportInputs): SafeHtml | '' {
  const out: SafeHtml[] = [];
  const slo = primary(inputs.slo)?.artifact;
  if (slo) out.push(html`<div class="card">SLO status <b>${statusBadge(slo.status)}</b></div>`);
  const b = primary(inputs.baseline)?.artifact;
  if (b?.capacity) out.push(html`<div class="card">Capacity <b>${fmtNum(b.capacity.maxRps)} req/s</b>limited by ${b.capacity.limitedBy}</div>`);
  const lt = primary(inputs.loadtest)?.artifact;
  if (lt?.overall) {
    out.push(html`<div class="card">Load test p95 <b>${fmtMs(lt.overall.latencyMs.p95)}</b>${lt.scenario}${lt.partial ? ' (partial run)' : ''}</div>`);
    out.push(html`<div class="card">Throughput <b>${fmtNum(lt.overall.throughputRps)} req/s</b>errors ${fmtPct(lt.overall.errorRate)}</div>`);
  } else if (b?.overall) {
    out.push(html`<div class="card">Baseline p95 <b>${fmtMs(b.overall.latencyMs.p95)}</b>${fmtNum(b.overall.throughputRps)} req/s</div>`);
  }
  return out.length ? html`<div class="cards">${out}</div>` : '';
}
