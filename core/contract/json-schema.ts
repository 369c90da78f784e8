import { z } from 'zod';
import { configSchema } from './config.js';

/** Where the JSON Schema of the config is shipped, relative to the package root. */
export const CONFIG_SCHEMA_FILE = 'schema/perf.config.schema.json';
/**
 * The `$schema` reference `perf init` writes into a starter config: the copy shipped inside the
 * installed package, relative to the project root where perf.config.yaml lives.
 */
export const CONFIG_SCHEMA_REF = `./node_modules/perf-toolkit/${CONFIG_SCHEMA_FILE}`;

/**
 * The JSON Schema of the config file as a user writes it (zod `io: 'input'`: defaults are shown,
 * optional keys stay optional). Cross-field checks (unique names, SLO → journey references) and
 * refinements (durations, URLs) are only partly expressible here; perf itself checks them all.
 */
export function configJsonSchema(): Record<string, unknown> {
  // draft-07: the draft yaml-language-server and most editors support best.
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-07', unrepresentable: 'any' });
}
