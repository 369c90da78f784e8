/** Header names whose values are always secret, whatever they hold. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|x-csrf-token)$/i;
/** A header whose value is a secret whatever it holds (Authorization, Cookie, API keys). */
export const isSecretHeader = (name: string): boolean => SECRET_HEADER.test(name);
const SECRET_KEY = /(token|secret|password|passwd|pwd|apikey|api_key|authorization|cookie|session|credential|private_key|dsn|database_url|db_url)/i;
/**
 * Well-known variables whose names match SECRET_KEY but hold no secret: the shell's working directories
 * (PWD, OLDPWD: every path under them would read [REDACTED]) and a desktop session's description.
 */
const NOT_SECRET_ENV = /^(PWD|OLDPWD|DESKTOP_SESSION|SESSION_MANAGER|DBUS_SESSION_BUS_ADDRESS|XDG_SESSION_[A-Z_]+)$/;
/** Credentials inside a URL: scheme://user:password@host. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;

export const REDACTED = '[REDACTED]';

/** Collects values that must never leave the process: resolved secret headers and env-sourced values. */
export class SecretSet {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    if (value && value.length >= 4) this.values.add(value);
  }

  addHeaders(resolved: Record<string, string>, templates: Record<string, string> = {}): void {
    for (const [name, value] of Object.entries(resolved)) {
      const fromEnv = /\$\{/.test(templates[name] ?? '');
      if (SECRET_HEADER.test(name) || SECRET_KEY.test(name) || fromEnv) {
        this.add(value);
        // Also the token part of "Bearer xyz" / "Basic xyz".
        const parts = value.split(/\s+/);
        if (parts.length > 1) this.add(parts[parts.length - 1]);
      }
    }
  }

  /** A database URL: the whole URL, its password and its user:password pair (raw and URL-decoded). */
  addDatabaseUrl(url: string): void {
    this.add(url);
    try {
      const u = new URL(url);
      if (u.password) {
        this.add(u.password);
        this.add(decodeURIComponent(u.password));
        this.add(`${u.username}:${u.password}`);
      }
    } catch {
      // Not parseable as a URL (a libpq key=value string): the whole value is redacted.
    }
  }

  /**
   * Values of an environment that must not be shown: those whose names look secret (DB_PASSWORD,
   * API_TOKEN, DATABASE_URL, …) and, when `templates` says so, those filled from `${VAR}` references.
   */
  addEnv(env: Record<string, string | undefined>, templates: Record<string, string> = {}): void {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) continue;
      if ((SECRET_KEY.test(name) && !NOT_SECRET_ENV.test(name)) || /\$\{/.test(templates[name] ?? '')) this.add(value);
    }
  }

  /** Replaces every known secret value in `text`, and the password part of any URL with credentials. */
  redact(text: string): string {
    let out = text;
    for (const v of this.values) out = out.split(v).join(REDACTED);
    return out.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  }
}

/** A SecretSet of an environment's secret-looking values: for text that came from a child given that env. */
export function secretsOfEnv(env: Record<string, string | undefined>, templates: Record<string, string> = {}): SecretSet {
  const s = new SecretSet();
  s.addEnv(env, templates);
  return s;
}

