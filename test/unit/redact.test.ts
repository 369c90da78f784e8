import { describe, expect, it } from 'vitest';
import { secretsOfEnv, SecretSet } from '../../core/redact.js';

describe('secrets of an environment (what perf hides in messages and reports)', () => {
  it('hides the values of secret-looking variables and of ${VAR} templates', () => {
    const s = secretsOfEnv({ DB_PASSWORD: 'hunter22', API_TOKEN: 'tok-123456', MYSQL_PWD: 'pw-9876', FROM_TEMPLATE: 'abcdef', HOME: '/root' }, { FROM_TEMPLATE: '${X}' });
    expect(s.redact('hunter22 tok-123456 pw-9876 abcdef /root')).toBe('[REDACTED] [REDACTED] [REDACTED] [REDACTED] /root');
  });

  it('keeps paths under the working directory readable: PWD and OLDPWD are not secrets', () => {
    const s = secretsOfEnv({ PWD: '/home/me/service', OLDPWD: '/home/me', XDG_SESSION_CLASS: 'user', DESKTOP_SESSION: 'ubuntu' });
    const msg = '/home/me/service/perf.config.yaml: invalid config (users on ubuntu)';
    expect(s.redact(msg)).toBe(msg);
  });

  it('hides the password of any URL with credentials', () => {
    expect(new SecretSet().redact('postgres://app:s3cret@127.0.0.1/db')).toBe('postgres://app:[REDACTED]@127.0.0.1/db');
  });
});
