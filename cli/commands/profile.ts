import { BaseCommand, notBuiltYet } from '../base-command.js';

export default class Profile extends BaseCommand<typeof Profile> {
  static override description = 'Profile the target under load (V8 CPU profile, event loop, GC, clinic)';
  static override examples = ['<%= config.bin %> profile'];
  static override flags = {};

  public async run(): Promise<void> {
    throw notBuiltYet('profile', 3);
  }
}
