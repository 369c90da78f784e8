import { BaseCommand, notBuiltYet } from '../base-command.js';

export default class Compare extends BaseCommand<typeof Compare> {
  static override description = 'Compare a before and an after run with statistical significance';
  static override examples = ['<%= config.bin %> compare'];
  static override flags = {};

  public async run(): Promise<void> {
    throw notBuiltYet('compare', 7);
  }
}
