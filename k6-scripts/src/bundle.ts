import { build } from 'esbuild';
import { RuntimeFailure } from '../../core/errors.js';

/**
 * Bundles a generated (or user-edited) TypeScript script with the runtime it imports
 * (k6-scripts/runtime/, core/template.ts, core/data-rows.ts and papaparse) into one k6-ready JS file.
 * `k6`, `k6/*` and `k6/x/*` stay external: k6 provides them at run time.
 */
export async function bundleScript(tsFile: string, outFile: string): Promise<{ bytes: number }> {
  try {
    const result = await build({
      entryPoints: [tsFile],
      outfile: outFile,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      // neutral has no default main fields; "browser" first: papaparse's browser build needs no Node module.
      mainFields: ['browser', 'module', 'main'],
      target: 'es2022',
      external: ['k6', 'k6/*'],
      legalComments: 'inline',
      logLevel: 'silent',
      metafile: true,
      write: true,
    });
    const out = Object.values(result.metafile.outputs)[0];
    return { bytes: out?.bytes ?? 0 };
  } catch (err) {
    const first = (err as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors?.[0];
    throw new RuntimeFailure(`esbuild could not bundle the k6 script: ${first?.text ?? (err as Error).message}`, {
      where: first?.location ? `${first.location.file}:${first.location.line}` : tsFile,
      fix: 'fix the script (or delete it and run "perf generate" again)',
    });
  }
}
