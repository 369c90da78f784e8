import { spawn } from 'node:child_process';
import { ProviderError, type Provider } from '../types.js';

/** Pipes the prompt to any agent CLI on stdin (via the shell) and reads markdown from its stdout. */
export function commandProvider(opts: { command: string }): Provider {
  return {
    name: 'command',
    complete(prompt, signal) {
      return new Promise((resolvePromise, reject) => {
        // Own process group, so a timeout kills the shell and whatever it started.
        const child = spawn(opts.command, { shell: true, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
        let out = '';
        let err = '';
        const onAbort = (): void => {
          try {
            if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
            else child.kill('SIGKILL');
          } catch {
            // already gone
          }
          reject(new ProviderError('timed out', true));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-2000)));
        child.on('error', (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(new ProviderError(`could not start "${opts.command}": ${e.message}`, false));
        });
        child.on('close', (code) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) return reject(new ProviderError('timed out', true));
          if (code !== 0) return reject(new ProviderError(`command exited with code ${code}${err.trim() ? `: ${err.trim().split('\n').pop()}` : ''}`, true));
          if (out.trim() === '') return reject(new ProviderError('malformed reply: empty output', false));
          resolvePromise(out);
        });
        child.stdin.on('error', () => undefined);
        child.stdin.end(`${prompt.system}\n\n${prompt.user}\n`);
      });
    },
  };
}
