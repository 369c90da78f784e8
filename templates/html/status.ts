import type { SloStatus } from '../../core/artifacts/schemas.js';
import { html, type SafeHtml } from './safe.js';

const STATUS_SYMBOL: Record<SloStatus, string> = { PASS: '✓', PARTIAL: '◐', FAIL: '✗' };

/** PASS / PARTIAL / FAIL as a badge: colour, symbol and word, so it reads without colour. */
export function statusBadge(status: SloStatus): SafeHtml {
  const s = STATUS_SYMBOL[status] ? status : 'FAIL';
  return html`<span class="status status-${s}">${STATUS_SYMBOL[s]} ${status}</span>`;
}

/** A resource limit's verdict: PASS / FAIL as a badge, "n/a" (no data) as plain text. */
export function verdictBadge(status: 'PASS' | 'FAIL' | 'n/a'): SafeHtml {
  return status === 'n/a' ? html`<span class="na">n/a</span>` : statusBadge(status);
}
