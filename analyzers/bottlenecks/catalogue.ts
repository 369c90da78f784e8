/**
 * The rule catalogue: every bottleneck kind perf can recognise, with the optimisation approach it
 * recommends, the typical improvement of that approach on the affected work, and its effort. The
 * figures are planning priors (stated as such in the reports), not measurements.
 */
export type RuleId =
  | 'sync-cpu'
  | 'db-query'
  | 'db-missing-index'
  | 'db-n-plus-one'
  | 'blocking-io'
  | 'gc-pressure'
  | 'memory-leak'
  | 'serialisation'
  | 'pool-saturation'
  | 'payload-size';

export interface Rule {
  id: RuleId;
  title: string;
  /** What the signature in the data means. */
  meaning: string;
  approach: string;
  alternatives: string[];
  /** Expected reduction of the affected work when the approach is applied, 0..1. */
  expectedReduction: number;
  effortDays: number;
  risk: 'low' | 'moderate' | 'high';
  /** Implementation steps of the plan item. */
  steps: string[];
  rollback: string;
  /** Guidance keywords (seed: database, API, frontend, cost, latency, throughput) this rule serves. */
  serves: Array<'database' | 'api' | 'frontend' | 'cost' | 'latency' | 'throughput'>;
}

export const RULES: Record<RuleId, Rule> = {
  'sync-cpu': {
    id: 'sync-cpu',
    title: 'Synchronous CPU work in the request path',
    meaning: 'an application function holds the CPU for a large share of the samples while serving requests',
    approach: 'make the hot function cheaper (better algorithm, less repeated work) or move it off the request path (worker thread, precomputation)',
    alternatives: ['memoise the result per input', 'offload to a worker_threads pool', 'precompute at startup or on write'],
    expectedReduction: 0.7,
    effortDays: 1,
    risk: 'low',
    steps: [
      'Read the hot function at the location given in the evidence and find the work repeated per request',
      'Replace it with a cheaper algorithm, or compute the result once and reuse it',
      'If the work is inherently heavy, move it to a worker thread so the event loop keeps serving',
    ],
    rollback: 'revert the change to the hot function (one commit); no data migration involved',
    serves: ['api', 'latency', 'throughput', 'cost'],
  },
  'db-query': {
    id: 'db-query',
    title: 'Unindexed or N+1 database queries',
    meaning: 'database frames (driver, SQL engine, query helpers) are hot: full scans or one query per item',
    approach: 'add the missing index for the filtered column(s) and batch per-item queries into one (JOIN / IN (...))',
    alternatives: ['cache query results with a short TTL', 'denormalise the read path'],
    expectedReduction: 0.8,
    effortDays: 1,
    risk: 'low',
    steps: [
      'List the queries issued by the affected journey (log them or read the handler at the evidence location)',
      'Run EXPLAIN (QUERY PLAN) on each: a full table SCAN on a filtered column needs an index',
      'Create the index in a migration; replace per-item queries in loops with one batched query',
    ],
    rollback: 'drop the new index / revert the batched query; indexes are additive and safe to remove',
    serves: ['database', 'latency', 'throughput', 'cost'],
  },
  'db-missing-index': {
    id: 'db-missing-index',
    title: 'Missing index (sequential scan of a large table)',
    meaning: 'PostgreSQL reads a whole large table for each call of a filtered statement (pg_stat_statements, pg_stat_user_tables, EXPLAIN)',
    approach: 'add the index the plan asks for (the CREATE INDEX in the evidence)',
    alternatives: ['rewrite the filter so an existing index applies', 'cache the result when it changes rarely'],
    expectedReduction: 0.9,
    effortDays: 0.5,
    risk: 'low',
    steps: [
      'Create the proposed index in a migration (CONCURRENTLY, so writes are not blocked)',
      'EXPLAIN the statement again: the Seq Scan becomes an Index Scan',
      'Re-run perf baseline: database ms per request of the journey falls',
    ],
    rollback: 'DROP INDEX CONCURRENTLY the new index; indexes are additive and safe to remove',
    serves: ['database', 'latency', 'throughput', 'cost'],
  },
  'db-n-plus-one': {
    id: 'db-n-plus-one',
    title: 'N+1 queries',
    meaning: 'one statement runs once per item of the response: many round trips per request (pg_stat_statements calls per request)',
    approach: 'batch or join the N+1 into one query',
    alternatives: ['cache the repeated read', 'load the items with the parent query (JOIN)'],
    expectedReduction: 0.8,
    effortDays: 1,
    risk: 'low',
    steps: [
      'Find the loop issuing the statement in the evidence (one call per item)',
      'Fetch all items in one query (JOIN, or WHERE id = ANY($1) with the collected ids)',
      'Re-run perf baseline: calls per request of the statement drop to 1',
    ],
    rollback: 'revert the query change; the per-item path still works',
    serves: ['database', 'latency', 'throughput', 'cost'],
  },
  'blocking-io': {
    id: 'blocking-io',
    title: 'Event-loop blocking (synchronous I/O or stalls)',
    meaning: 'the event loop stops for long stretches: every in-flight request waits, not only the one that blocks',
    approach: 'replace the synchronous call with its async form (fs.promises, crypto async, child_process async) or move it to a worker',
    alternatives: ['split the work into chunks with setImmediate', 'move it to a background job'],
    expectedReduction: 0.85,
    effortDays: 1,
    risk: 'low',
    steps: [
      'Find the synchronous call at the evidence location (…Sync APIs, busy waits, large synchronous loops)',
      'Replace it with the promise-based API and await it, or hand it to a worker thread',
      'Confirm with perf profile that event-loop delay p99 drops below a few milliseconds',
    ],
    rollback: 'revert the handler change; behaviour is unchanged, only the scheduling differs',
    serves: ['api', 'latency', 'throughput'],
  },
  'gc-pressure': {
    id: 'gc-pressure',
    title: 'Garbage-collection pressure',
    meaning: 'a large share of time goes to GC: the request path allocates heavily',
    approach: 'cut allocations on the hot path (reuse buffers, avoid intermediate arrays/strings), then size the heap',
    alternatives: ['raise --max-semi-space-size for a young-generation-heavy load'],
    expectedReduction: 0.5,
    effortDays: 3,
    risk: 'moderate',
    steps: [
      'Take a heap allocation profile under load (node --heap-prof) of the affected journey',
      'Remove the biggest allocation sites on the request path',
      'Re-run perf profile and check the GC share',
    ],
    rollback: 'revert the allocation changes; heap flags are removed from the start command',
    serves: ['cost', 'throughput', 'latency'],
  },
  'memory-leak': {
    id: 'memory-leak',
    title: 'Memory that grows under load (suspected leak)',
    meaning: 'the live heap (after GC) or RSS keeps growing over the run: something retains memory per request',
    approach: 'bound what is retained per request (an LRU or size cap on caches and maps, expiry on sessions), or stop keeping it',
    alternatives: ['key the cache by something that repeats, so entries are reused', 'move the data out of the process (a store with TTLs)'],
    expectedReduction: 0.9,
    effortDays: 1,
    risk: 'low',
    steps: [
      'Open the heap profile of perf profile: the top live allocation site is where the retained memory was allocated',
      'Find the Map, array or cache that site inserts into and give it a bound (size cap with least-recently-used eviction)',
      'Re-run a soak (perf loadtest --scenario soak) and check that resources.heapLeak is no longer suspected',
    ],
    rollback: 'revert the bound; only memory use changes, responses stay the same',
    serves: ['cost', 'throughput'],
  },
  serialisation: {
    id: 'serialisation',
    title: 'Serialisation cost',
    meaning: 'JSON/template rendering dominates: large objects are serialised per request',
    approach: 'serialise less (select fields, paginate) or use a schema-based serialiser',
    alternatives: ['cache the serialised form', 'stream large responses'],
    expectedReduction: 0.5,
    effortDays: 2,
    risk: 'low',
    steps: ['Find which response serialises the most data', 'Return only the fields clients use, paginate lists', 'Re-measure'],
    rollback: 'revert the response shape change behind a version flag',
    serves: ['api', 'frontend', 'latency', 'cost'],
  },
  'pool-saturation': {
    id: 'pool-saturation',
    title: 'Connection-pool or capacity saturation',
    meaning: 'throughput stops growing while latency and errors climb: a pool or queue is full',
    approach: 'size the pool to the measured concurrency and add back-pressure (timeouts, 503 with Retry-After)',
    alternatives: ['scale out horizontally', 'queue work asynchronously'],
    expectedReduction: 0.4,
    effortDays: 3,
    risk: 'moderate',
    steps: [
      'Find the pool or queue that fills (database, HTTP agent maxSockets, worker pool)',
      'Size it from the breaking point measured by perf loadtest --scenario stress',
      'Add timeouts and fast rejection so overload fails quickly',
    ],
    rollback: 'restore the previous pool size settings',
    serves: ['throughput', 'cost'],
  },
  'payload-size': {
    id: 'payload-size',
    title: 'Payload size',
    meaning: 'compression or buffer copying of large bodies is hot',
    approach: 'shrink responses (fields, pagination) and compress at the edge rather than per request in-process',
    alternatives: ['cache compressed responses', 'serve static content from a CDN'],
    expectedReduction: 0.4,
    effortDays: 2,
    risk: 'low',
    steps: ['Measure response sizes per journey', 'Trim and paginate the largest', 'Move compression to the proxy/CDN'],
    rollback: 'revert the response or proxy change',
    serves: ['frontend', 'cost', 'api'],
  },
};
