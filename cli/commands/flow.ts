import { BaseCommand, notBuiltYet } from '../base-command.js';

export default class Flow extends BaseCommand<typeof Flow> {
  static override description = 'Run the whole six-step performance optimisation flow';
  static override examples = ['<%= config.bin %> flow'];
  static override flags = {};

  public async run(): Promise<void> {
    throw notBuiltYet('flow', 7);
  }
}
