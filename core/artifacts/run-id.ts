import { randomBytes } from 'node:crypto';

/** A sortable, unique run id: `20261123T200512Z-3fa1`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export const RUN_ID_RE = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;
