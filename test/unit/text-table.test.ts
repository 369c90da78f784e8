import { describe, expect, it } from 'vitest';
import { textTable } from '../../core/text-table.js';

describe('terminal tables', () => {
  it('pads columns, right-aligns numbers and keeps file names as they are (no markdown escapes)', () => {
    const t = textTable(['function', 'file:line', 'self %'], [
      ['stringify', 'node_modules/lowdb/adapters/_stringify.js:4', '22.2%'],
      ['baseClone', 'node_modules/lodash/lodash.js:2667', '3.3%'],
    ]);
    expect(t.split('\n')).toEqual([
      'function   file:line                                    self %',
      '─────────  ───────────────────────────────────────────  ──────',
      'stringify  node_modules/lowdb/adapters/_stringify.js:4   22.2%',
      'baseClone  node_modules/lodash/lodash.js:2667             3.3%',
    ]);
  });

  it('turns control characters in a cell into spaces, so a name cannot drive the terminal', () => {
    const t = textTable(['journey'], [['evil\u001b[2Jname']]);
    expect(t).not.toContain('\u001b');
    expect(t).toContain('evil [2Jname');
  });
});
