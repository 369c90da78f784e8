import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import type { ProfilePayload } from '../../core/artifacts/schemas.js';

/**
 * clinic.js for `perf profile --clinic doctor|flame`: an optional dependency (not in perf's
 * package.json), found where the project or perf resolves it. clinic wraps the target's `node …`
 * start command, writes its data and HTML under the run's profile dir, and produces its HTML when the
 * target ends on SIGINT (it has no SIGTERM handler). Doctor's issue category comes from doctor's own
 * analysis module run on the collected data, in a child process. Its numbers are never perf's.
 */
export type ClinicTool = 'doctor' | 'flame';
export const CLINIC_TOOLS: readonly ClinicTool[] = ['doctor', 'flame'];

export const CLINIC_ADD_HINT = 'clinic is not installed: add it with `npm i -D clinic` (optional; perf profile --clinic runs it, the V8 profiles stay the source of the numbers)';

export interface ClinicInstall {
  /** clinic's CLI (bin.js). */
  bin: string;
  version: string;
  /** @clinic/doctor's package.json (its analysis module lives beside it). */
  doctorPackage: string | undefined;
}

/** clinic as resolved from each of `from` (directories), first hit wins; undefined when absent. */
export function resolveClinic(from: readonly string[]): ClinicInstall | undefined {
  for (const dir of from) {
    const req = createRequire(join(dir, 'noop.js'));
    let pkg: string;
    try {
      pkg = req.resolve('clinic/package.json');
    } catch {
      continue;
    }
    const version = (req(pkg) as { version?: string }).version ?? 'unknown';
    let doctorPackage: string | undefined;
    try {
      doctorPackage = createRequire(pkg).resolve('@clinic/doctor/package.json');
    } catch {
      doctorPackage = undefined;
    }
    return { bin: join(dirname(pkg), 'bin.js'), version, doctorPackage };
  }
  return undefined;
}

/** A start command clinic can wrap: it must run `node` itself (clinic spawns `node <args>`). */
const NODE_COMMAND = /^\s*(?:"[^"]*[\\/]node(?:\.exe)?"|'[^']*[\\/]node(?:\.exe)?'|(?:\S*[\\/])?node(?:\.exe)?)\s+\S/;

/** The start command under clinic; a usage error (before any load) when clinic cannot wrap it. */
export function clinicCommand(tool: ClinicTool, install: ClinicInstall, dest: string, startCommand: string): string {
  if (!NODE_COMMAND.test(startCommand)) {
    throw new UserError(`--clinic needs a start command that runs node itself, found "${startCommand}"`, {
      where: 'target.start.command',
      fix: 'start the service with `node <file>` (clinic wraps `node`, not npm or a shell script), or drop --clinic',
    });
  }
  const q = (s: string): string => `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
  return `${q(process.execPath)} ${q(install.bin)} ${tool} --open=false --dest ${q(dest)} -- ${startCommand}`;
}

/** clinic's environment: no telemetry prompt or upload, no update check. */
export const CLINIC_ENV: Record<string, string> = { NO_INSIGHT: '1', NO_UPDATE_NOTIFIER: '1' };

/** Runs doctor's analysis on one collected `<pid>.clinic-doctor` dir in a child process: its issue category. */
const DIAGNOSE_SOURCE = `'use strict';
const { createRequire } = require('node:module');
const fs = require('node:fs');
const [doctorPkg, dataDir] = process.argv.slice(2);
const r = createRequire(doctorPkg);
const pumpify = r('pumpify');
const Analysis = r('./analysis/index.js');
const getLoggingPaths = r('@clinic/clinic-common').getLoggingPaths('doctor');
const paths = getLoggingPaths({ path: dataDir });
const systemInfo = pumpify.obj(fs.createReadStream(paths['/systeminfo']), new (r('./format/system-info-decoder.js'))());
const traceEvent = pumpify.obj(fs.createReadStream(paths['/traceevent']), new (r('./format/trace-event-decoder.js'))(systemInfo));
const processStat = pumpify.obj(fs.createReadStream(paths['/processstat']), new (r('./format/process-stat-decoder.js'))());
const analysis = new Analysis(systemInfo, traceEvent, processStat);
analysis.on('data', (result) => process.stdout.write(JSON.stringify({ issueCategory: result.issueCategory, issues: result.issues })));
analysis.on('error', (err) => { process.stderr.write(String((err && err.message) || err)); process.exitCode = 1; });
`;

/** The doctor issue categories (clinic-doctor analysis/issue-category.js). */
const CATEGORIES = new Set(['data', 'gc', 'event-loop', 'io', 'none', 'unknown']);

/** What clinic left in `dest` after the target stopped: its HTML, and doctor's diagnosis. */
export async function readClinicResult(tool: ClinicTool, install: ClinicInstall, dest: string, outputTail: string): Promise<ProfilePayload['clinic']> {
  const entries = existsSync(dest) ? readdirSync(dest) : [];
  const suffix = `.clinic-${tool}`;
  const html = entries.filter((f) => f.endsWith(`${suffix}.html`)).map((f) => join(dest, f));
  const base = { tool, ...(html.length ? { htmlPaths: html } : {}) };
  if (html.length === 0) {
    return { ran: false, ...base, note: `clinic ${tool} ${install.version} wrote no HTML in ${dest}${outputTail ? `: ${outputTail.split('\n').slice(-3).join(' / ')}` : ''}` };
  }
  if (tool !== 'doctor') return { ran: true, ...base, note: `clinic ${tool} ${install.version}: HTML beside the profile (no diagnosis: only doctor has one)` };
  const data = entries.filter((f) => f.endsWith(suffix) && !f.endsWith('.html')).map((f) => join(dest, f));
  const dataDir = data.at(-1);
  if (!install.doctorPackage || !dataDir) return { ran: true, ...base, note: `clinic doctor ${install.version}: HTML written, but its collected data or analysis module was not found, so no diagnosis` };
  const script = join(dest, 'perf-clinic-diagnose.cjs');
  writeFileSync(script, DIAGNOSE_SOURCE);
  const out = await new Promise<{ ok: boolean; text: string }>((resolve) => {
    execFile(process.execPath, [script, install.doctorPackage as string, dataDir], { timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve(err ? { ok: false, text: String(stderr || err.message).trim() } : { ok: true, text: stdout }),
    );
  });
  let category: string | undefined;
  let issues: string[] = [];
  if (out.ok) {
    try {
      const r = JSON.parse(out.text) as { issueCategory?: unknown; issues?: Record<string, unknown> };
      if (typeof r.issueCategory === 'string' && CATEGORIES.has(r.issueCategory)) category = r.issueCategory;
      issues = flattenIssues(r.issues ?? {});
    } catch {
      category = undefined;
    }
  }
  if (!category) return { ran: true, ...base, note: `clinic doctor ${install.version}: HTML written; its analysis gave no issue category${out.ok ? '' : ` (${out.text.split('\n')[0]})`}` };
  return {
    ran: true,
    ...base,
    diagnosis: category,
    categories: issues,
    note: `clinic doctor ${install.version}: issue category "${category}" from doctor's analysis of ${dataDir}`,
  };
}

/** doctor's per-signal verdicts that flag a problem ("delay", "memory.heapUsed"…). */
function flattenIssues(issues: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(issues).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? flattenIssues(v as Record<string, unknown>, `${prefix}${k}.`) : v === 'performance' ? [`${prefix}${k}`] : []));
}
