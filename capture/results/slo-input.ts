/**
 * Reading what an SLO verdict needs from files: any supported result file (format detected or given),
 * the runner files of one scale-out run (merged), and an OpenSLO file. Everything after the read is
 * pure (analyzers/slo).
 */
import { readFile } from 'node:fs/promises';
import { readRunnerFiles } from './runner-files.js';
import type { RunnerRecord } from '../../core/contract/artifacts.js';
import { checkInputFormat, type InputFormat } from '../../analyzers/parsers/detect.js';
import { readK6Json } from '../../analyzers/parsers/k6-json.js';
import { readK6Windows } from '../../analyzers/parsers/k6-windows.js';
import { assertReadableFile } from '../../analyzers/parsers/lines.js';
import { SLO_K6_METRICS, sloInputFromDeclaredDocument } from '../../analyzers/slo/inputs.js';
import { sloInputFromK6Run } from '../../analyzers/slo/inputs-k6.js';
import type { EvalSlo, SloInput } from '../../analyzers/slo/model.js';
import { parseOpenSlo } from '../../analyzers/slo/openslo.js';
import { UserError } from '../../core/errors.js';
import { detectFormat, readJsonDocument } from './result-file.js';

export interface ReadSloInputOptions {
  /** Skip auto-detection. */
  format?: InputFormat;
  lenient?: boolean;
  /** Distinct tag sets kept per k6 metric (k6 --out json); see readK6Json. */
  maxSeriesPerMetric?: number;
  /** Window width for bucketing k6 --out json points (default 10 s). */
  windowMs?: number;
  signal?: AbortSignal;
}

/** Reads any supported result file into what SLO evaluation needs. */
export async function readSloInput(file: string, opts: ReadSloInputOptions = {}): Promise<SloInput> {
  let format = opts.format === undefined ? undefined : checkInputFormat(opts.format);
  let doc: unknown;
  if (!format) ({ format, doc } = await detectFormat(file));
  const lenient = opts.lenient ?? false;
  const signal = opts.signal ? { signal: opts.signal } : {};
  switch (format) {
    case 'perf.k6-windows/v1':
      return sloInputFromK6Run(await readK6Windows(file, { lenient, ...signal }), file);
    case 'k6-json':
      return sloInputFromK6Run(
        await readK6Json(file, {
          lenient,
          metrics: SLO_K6_METRICS,
          ...(opts.maxSeriesPerMetric !== undefined ? { maxSeriesPerMetric: opts.maxSeriesPerMetric } : {}),
          ...(opts.windowMs !== undefined ? { windowMs: opts.windowMs } : {}),
          ...signal,
        }),
        file,
      );
    default:
      return sloInputFromDeclaredDocument(doc ?? (await readJsonDocument(file)), format, file);
  }
}

/** The merged input of the runners of one scale-out run (perf.k6-windows/v1 files, or a folder of them). */
export async function readRunnersSloInput(
  files: readonly string[],
  opts: Pick<ReadSloInputOptions, 'format' | 'lenient' | 'signal'> = {},
): Promise<{ input: SloInput; runners: RunnerRecord[]; label: string }> {
  if (opts.format && opts.format !== 'perf.k6-windows/v1') {
    throw new UserError(`only perf.k6-windows/v1 files of runners merge, not ${opts.format}`, { where: '--format', fix: 'drop --format, or pass one file' });
  }
  const merged = await readRunnerFiles(files, { ...(opts.lenient !== undefined ? { lenient: opts.lenient } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  return { input: sloInputFromK6Run(merged.run, merged.label), runners: merged.runners, label: merged.label };
}

/** SLOs from an OpenSLO v1 file. */
export async function readOpenSloFile(file: string): Promise<EvalSlo[]> {
  await assertReadableFile(file);
  return parseOpenSlo(await readFile(file, 'utf8'), file);
}
