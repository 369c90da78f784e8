import { describe, expect, it } from 'vitest';
import { suggestCommand } from '../../cli/hooks/suggest.js';

const IDS = ['init', 'baseline', 'profile', 'generate', 'loadtest', 'slo-check', 'analyze', 'plan', 'compare', 'flow', 'report', 'export', 'collect', 'k6:build'];

describe('the command suggested for a mistyped one', () => {
  it.each([
    ['slo', 'slo-check'],
    ['basline', 'baseline'],
    ['loadtests', 'loadtest'],
    ['comapre', 'compare'],
    ['analyse', 'analyze'],
    ['gen', 'generate'],
    ['Flow', 'flow'],
  ])('%s → %s', (typed, meant) => expect(suggestCommand(typed, IDS)).toBe(meant));

  it.each(['deploy', 'xyzzy', 'kubernetes'])('nothing for %s, which resembles no command', (typed) => expect(suggestCommand(typed, IDS)).toBeUndefined());
});
