/**
 * TypeScript declarations of `k6/x/perf`, the JS module of the perf k6 extension suite (xk6/, built
 * into bin/k6 by `bash xk6/build.sh`). Generated k6 scripts import it; a stock k6 does not have it
 * (the import fails), so scripts that must also run on stock k6 guard their use of it.
 */
declare module 'k6/x/perf' {
  /** Anything with k6's response `headers` map (an `http.Response`). */
  export interface ResponseLike {
    headers: Record<string, string | string[]>;
  }

  /**
   * Runs `fn` with the tag `journey=<name>` on every metric emitted inside it (http requests,
   * checks, custom metrics, Server-Timing trends) and returns what `fn` returns. Nests: the inner
   * journey wins and the outer one is restored afterwards. Synchronous functions only (an async
   * callback throws: tag those requests with `{ tags: { journey } }` instead). Not in the init context.
   */
  export function journey<T>(name: string, fn: () => T): T;

  /**
   * Parses the response's `Server-Timing` header(s) and records each component that has a `dur` in
   * the Trend metric `server_timing_<component>` (milliseconds; the name lower-cased, characters
   * outside [a-z0-9_] replaced by "_"), tagged like the VU's other metrics. Returns
   * `{ component: durationMs }` (empty when the header is absent).
   */
  export function serverTiming(res: ResponseLike): Record<string, number>;

  /** Like `serverTiming` but records nothing: just `{ component: durationMs }`. */
  export function parseServerTiming(res: ResponseLike): Record<string, number>;

  /** Version of the extension suite, e.g. "0.1.0". */
  export const version: string;
}
