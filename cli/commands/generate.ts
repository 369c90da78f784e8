import { BaseCommand, notBuiltYet } from '../base-command.js';

export default class Generate extends BaseCommand<typeof Generate> {
  static override description = 'Write k6 load-test scripts for the critical journeys';
  static override examples = ['<%= config.bin %> generate'];
  static override flags = {};

  public async run(): Promise<void> {
    throw notBuiltYet('generate', 5);
  }
}
