/**
 * k6 result files by path: the parsers of analyzers/parsers/ (which take a line source and open
 * nothing) over a file. Stock `k6 --out json`, our perf.k6-windows/v1, or either, detected.
 */
import type { K6Run } from '../../core/artifacts/k6-windows.js';
import { parseK6Json, parseK6Run, type ReadK6JsonOptions, type ReadK6RunOptions } from '../../analyzers/parsers/k6-json.js';
import { parseK6Windows, parseK6WindowsLines, streamK6Windows, type K6WindowsFile, type K6WindowsSink, type ReadK6WindowsOptions } from '../../analyzers/parsers/k6-windows.js';
import { fileLines } from './file-lines.js';

export { K6_WINDOWS_SCHEMA, type K6WindowsFile, type K6WindowsSink, type ReadK6WindowsOptions } from '../../analyzers/parsers/k6-windows.js';
export { DEFAULT_MAX_SERIES_PER_METRIC } from '../../analyzers/parsers/k6-json.js';

/** `k6 run --out json=<file>` NDJSON, windowed. */
export const readK6Json = (file: string, opts: ReadK6JsonOptions = {}): Promise<K6Run> => parseK6Json(fileLines(file), opts);

/** Either k6 NDJSON format, detected from the first line. */
export const readK6Run = (file: string, opts: ReadK6RunOptions = {}): Promise<K6Run> => parseK6Run(fileLines(file), opts);

/** A perf.k6-windows/v1 file as a run. */
export const readK6Windows = (file: string, opts: ReadK6WindowsOptions = {}): Promise<K6Run> => parseK6Windows(fileLines(file), opts);

/** A perf.k6-windows/v1 file's checked lines (windows sorted), for merging runners. */
export const readK6WindowsLines = (file: string, opts: ReadK6WindowsOptions = {}): Promise<K6WindowsFile> => parseK6WindowsLines(fileLines(file), opts);

/** A perf.k6-windows/v1 file's lines handed to `sink` as they are read. */
export const streamK6WindowsFile = (file: string, opts: ReadK6WindowsOptions, sink: K6WindowsSink): ReturnType<typeof streamK6Windows> => streamK6Windows(fileLines(file), opts, sink);
