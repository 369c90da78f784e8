import { BaseCommand, notBuiltYet } from '../base-command.js';

export default class Report extends BaseCommand<typeof Report> {
  static override description = 'Write a standalone HTML report with charts from the JSON artifacts';
  static override examples = ['<%= config.bin %> report'];
  static override flags = {};

  public async run(): Promise<void> {
    throw notBuiltYet('report', 8);
  }
}
