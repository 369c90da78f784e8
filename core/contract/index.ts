/**
 * core/contract — one typed declaration per boundary of perf: the config file (config.ts), every
 * JSON artifact and the k6-windows NDJSON lines (artifacts.ts), read through one reader
 * (read-artifact.ts), and the config's JSON Schema for editors (json-schema.ts).
 *
 * Why zod 4 (over TypeBox or a home-made DSL): one declaration yields the TypeScript type
 * (`z.output`, no hand-kept interface to drift), the defaults (`.default()` / `.prefault()`),
 * issues with the exact path and the input that failed (worded by fields.ts: expected, found,
 * did-you-mean), discriminated unions (the latency SLO), and a JSON Schema (`z.toJSONSchema`).
 */
export * from './config.js';
export * from './artifacts.js';
export { readArtifact, checkArtifact, ARTIFACT_SCHEMAS, type ArtifactSchemaKey, type ArtifactOf } from './read-artifact.js';
export { configJsonSchema, CONFIG_SCHEMA_FILE, CONFIG_SCHEMA_REF } from './json-schema.js';
export { errorDocument, type ErrorDocument } from './error-document.js';
export { problemsOf, describeFound, type Problem } from './problems.js';
