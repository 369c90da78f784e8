import { BaseCommand, notBuiltYet } from '../base-command.js';

export default class SloCheck extends BaseCommand<typeof SloCheck> {
  static override description = 'Evaluate SLOs, error budgets and burn rates from a result file (CI gate)';
  static override examples = ['<%= config.bin %> slo-check'];
  static override flags = {};

  public async run(): Promise<void> {
    throw notBuiltYet('slo-check', 6);
  }
}
