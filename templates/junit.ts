/**
 * JUnit XML of an SLO check: one testcase per SLO; FAIL (and PARTIAL under --fail-on partial) carry a
 * <failure> with the numbers. The shape is the strict ant/Jenkins one (testsuites > testsuite with
 * name/tests/failures/errors/skipped/time/timestamp/hostname/id/package, properties, testcases,
 * system-out, system-err) that Jenkins, GitLab and most CI readers accept.
 */
import { hostname } from 'node:os';
import type { SloReport } from '../analyzers/slo/check.js';
import { sloLine } from './slo.js';
import { fmtBurnRate, fmtFigure } from '../core/format.js';

export function xmlEscape(s: string): string {
  return (
    s
      // characters XML 1.0 cannot carry at all
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

export function renderJunit(r: SloReport, opts: { failOnPartial?: boolean; timestamp?: Date; host?: string } = {}): string {
  const failing = (status: string): boolean => status === 'FAIL' || (opts.failOnPartial === true && status === 'PARTIAL');
  const failures = r.slos.filter((s) => failing(s.status)).length;
  const ts = (opts.timestamp ?? new Date()).toISOString().slice(0, 19);
  const host = opts.host ?? hostname();
  const time = (r.runDurationMs / 1000).toFixed(3);
  const a = (v: string | number): string => xmlEscape(String(v));
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<testsuites name="perf slo-check" tests="${r.slos.length}" failures="${failures}" errors="0" time="${time}">`);
  out.push(
    `  <testsuite name="slo-check" tests="${r.slos.length}" failures="${failures}" errors="0" skipped="0" time="${time}" timestamp="${ts}" hostname="${a(host)}" id="0" package="perf.slo">`,
  );
  out.push('    <properties>');
  out.push(`      <property name="status" value="${a(r.status)}"/>`);
  out.push(`      <property name="source" value="${a(r.source.file)}"/>`);
  out.push(`      <property name="format" value="${a(r.source.format)}"/>`);
  out.push(`      <property name="slosFrom" value="${a(r.slosFrom)}"/>`);
  out.push('    </properties>');
  for (const s of r.slos) {
    out.push(`    <testcase name="${a(s.name)}" classname="perf.slo.${a(s.sli)}" time="0">`);
    if (failing(s.status)) {
      const body = [sloLine(s), ...(s.note ? [`note: ${s.note}`] : []), ...s.alerts.filter((x) => x.firing).map((x) => `alert firing: ${x.severity} ${x.factor}× (long ${x.longWindow} burn ${x.longBurnRate}, short ${x.shortWindow} burn ${x.shortBurnRate})`)];
      out.push(`      <failure message="${a(`SLO ${s.name} ${s.status}: ${s.sli === 'latency' ? `observed ${fmtFigure(s.actual)} ms, target ${fmtFigure(s.target)} ms` : `SLI ${fmtFigure(s.actual)}%, target ${fmtFigure(s.target)}%`}; burn rate ${fmtBurnRate(s.burnRate)}`)}" type="${s.status === 'FAIL' ? 'SLOBreach' : 'SLOWarning'}">${xmlEscape(body.join('\n'))}</failure>`);
    }
    out.push('    </testcase>');
  }
  const sysOut = [
    ...r.slos.filter((s) => s.status === 'PARTIAL' && !failing(s.status)).map((s) => `PARTIAL (within the warning margin): ${sloLine(s)}`),
    ...r.limits.map((l) => `limit: ${l}`), ...r.warnings.map((w) => `warning: ${w}`)].join('\n');
  out.push(sysOut ? `    <system-out>${xmlEscape(sysOut)}</system-out>` : '    <system-out/>');
  out.push('    <system-err/>');
  out.push('  </testsuite>');
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
