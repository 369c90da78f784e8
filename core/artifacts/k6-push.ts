/**
 * Contract of the PUSH protocol between k6 runners (the perf output's `push=URL`, Go, xk6/) and
 * `perf collect`. A runner POSTs batches of its perf.k6-windows/v1 lines to the collector URL (any path):
 *
 * - body: NDJSON perf.k6-windows/v1 lines, `Content-Type: application/x-ndjson`; a runner's first batch
 *   starts with its header line, its last one ends with its summary line (when k6 stops cleanly);
 * - headers: `X-Perf-Run: <runId>` (the run the collector was started for), `X-Perf-Runner: <runner>`,
 *   `X-Perf-Seq: <n>`: batch number from 1; a retried batch keeps its number, and a number already
 *   taken for that runner is ignored (the reply is still 200), so retries never count a window twice;
 * - reply (JSON, schema perf.k6-push/v1, core/contract/artifacts.ts `k6PushReply`): 200
 *   `{"stop":false}` to go on, or `{"stop":true,"reason":"…"}` once the collector's global fast-burn guard
 *   has fired — the runner then stops its test; 409 `{"error":…}` for another run id; 400 for a
 *   malformed batch (headers, content type, a line that is not perf.k6-windows/v1); 413 for a batch over
 *   PUSH_MAX_BATCH_BYTES. A batch answered with an error was not taken: resend it fixed, or drop it.
 */
export const K6_PUSH_SCHEMA = 'perf.k6-push/v1';
export const PUSH_CONTENT_TYPE = 'application/x-ndjson';
export const PUSH_HEADERS = { run: 'x-perf-run', runner: 'x-perf-runner', seq: 'x-perf-seq' } as const;
/** Largest batch body the collector takes (a 10 s window of many series is well under 1 MB). */
export const PUSH_MAX_BATCH_BYTES = 32 * 1024 * 1024;
