import { BaseCommand, notBuiltYet } from '../base-command.js';

export default class Loadtest extends BaseCommand<typeof Loadtest> {
  static override description = 'Run a k6 load-test scenario against the target';
  static override examples = ['<%= config.bin %> loadtest'];
  static override flags = {};

  public async run(): Promise<void> {
    throw notBuiltYet('loadtest', 5);
  }
}
