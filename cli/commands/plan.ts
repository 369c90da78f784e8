import { BaseCommand, notBuiltYet } from '../base-command.js';

export default class Plan extends BaseCommand<typeof Plan> {
  static override description = 'Turn the bottleneck analysis into a prioritised optimisation plan';
  static override examples = ['<%= config.bin %> plan'];
  static override flags = {};

  public async run(): Promise<void> {
    throw notBuiltYet('plan', 7);
  }
}
