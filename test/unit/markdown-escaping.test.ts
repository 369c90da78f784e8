/**
 * One escaping for text that did not come from perf: SLO/journey names, --guidance
 * and agent replies render as literal text in every .md and the GITHUB_STEP_SUMMARY table — never as
 * HTML, a heading, a link or a broken table.
 */
import { describe, expect, it } from 'vitest';
import { md, mdCode, mdQuote, mdTable, mdText } from '../../core/markdown.js';
import type { SloReport } from '../../analyzers/slo/check.js';
import { renderSloMarkdown, renderStepSummary } from '../../templates/slo.js';
import { narrative } from '../../templates/bottleneck-analysis.js';

const HOSTILE = ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', 'ok\n# Heading', '[x](javascript:alert(1))', 'a | b', '`code` *em* _u_', '![i](http://e/x.png)'];

/** What a markdown renderer would treat as structure in a line of our output (outside escapes). */
function unescaped(line: string): string[] {
  const bare = line.replace(/\\./g, '');
  const found: string[] = [];
  if (/<[a-z/!]/i.test(bare)) found.push('html');
  if (/\[[^\]]*\]\([^)]*\)/.test(bare)) found.push('link');
  if (/^#/.test(bare)) found.push('heading');
  return found;
}

describe('mdText / mdCell / mdCode / mdQuote', () => {
  it('leaves no HTML, link or heading in hostile text, on one line', () => {
    for (const h of HOSTILE) {
      const t = mdText(h);
      expect(t).not.toContain('\n');
      expect(unescaped(t), h).toEqual([]);
    }
  });

  it('keeps ordinary names readable', () => {
    expect(mdText('checkout_v2')).toBe('checkout_v2');
    expect(mdText('browse-p95 (journey browse)')).toBe('browse-p95 (journey browse)');
  });

  it('keeps table rows whole whatever the cells hold', () => {
    const t = mdTable(['name', 'x'], HOSTILE.map((h) => [h, 1]));
    const rows = t.split('\n');
    expect(rows).toHaveLength(2 + HOSTILE.length);
    for (const r of rows.slice(2)) expect(r.replace(/\\\|/g, '').split('|')).toHaveLength(4);
    expect(mdTable(['a'], [[md('**overall**')]])).toContain('| **overall** |');
  });

  it('cannot be broken out of inline code', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('x\ny')).toBe('`x y`');
  });

  it('quotes a reply line by line with no markdown structure', () => {
    const q = mdQuote('Fine.\n# Not a heading\n<script>x</script>\n\n- [link](javascript:x)');
    for (const l of q.split('\n')) {
      expect(l.startsWith('>')).toBe(true);
      expect(unescaped(l.replace(/^> ?/, ''))).toEqual([]);
    }
  });
});

describe('report writers escape names', () => {
  const report = (name: string): SloReport => ({
    status: 'FAIL',
    source: { file: 'r`.json', format: 'k6-json' },
    runDurationMs: 1000,
    slos: [
      {
        name,
        sli: 'latency',
        journey: name,
        objective: 99,
        actual: 5,
        target: 1,
        status: 'FAIL',
        errorBudget: { allowedBadFraction: 0.01, badFraction: 1, consumedPct: 1, remainingPct: 99 },
        burnRate: 100,
        alerts: [],
        events: { total: 1, bad: 1 },
        note: name,
      },
    ],
    warnMargin: 0.1,
    slosFrom: 'perf.config.yaml',
    limits: [],
    warnings: [name],
  });

  it('the SLO report and the GITHUB_STEP_SUMMARY table render hostile SLO names as text (once raw)', () => {
    for (const h of HOSTILE) {
      for (const out of [renderSloMarkdown(report(h)), renderStepSummary(report(h))]) {
        for (const line of out.split('\n')) expect(unescaped(line.replace(/^#+ (?=\S)/, '')), `${h} → ${line}`).toEqual([]);
      }
    }
  });

  it('an agent reply is inserted as quoted text', () => {
    const text = narrative({ provider: 'command', sections: [{ title: 'Summary', markdown: '# Pwned\n<img src=x onerror=alert(1)>' }] } as never);
    expect(text).toContain('> \\# Pwned');
    expect(text).not.toMatch(/^# Pwned/m);
    expect(text).not.toMatch(/(?<!\\)<img/);
  });
});
