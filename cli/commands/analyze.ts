import { BaseCommand, notBuiltYet } from '../base-command.js';

export default class Analyze extends BaseCommand<typeof Analyze> {
  static override description = 'Rank bottlenecks from the baseline, profile and load-test results';
  static override examples = ['<%= config.bin %> analyze'];
  static override flags = {};

  public async run(): Promise<void> {
    throw notBuiltYet('analyze', 7);
  }
}
