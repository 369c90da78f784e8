import { BaseCommand, notBuiltYet } from '../base-command.js';

export default class Baseline extends BaseCommand<typeof Baseline> {
  static override description = 'Capture a latency baseline with autocannon and find the capacity';
  static override examples = ['<%= config.bin %> baseline'];
  static override flags = {};

  public async run(): Promise<void> {
    throw notBuiltYet('baseline', 3);
  }
}
