import { generateKeyPairSync } from 'node:crypto';
import { validateEnvironment } from './environment';

const SECRET = 's'.repeat(32);

const publicPem = (type: 'rsa' | 'ec' | 'ed25519', options: object = {}): string =>
  generateKeyPairSync(type as 'rsa', options as { modulusLength: number })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

/** The message validateEnvironment throws, or undefined when the settings pass. */
function problem(env: Record<string, unknown>): string | undefined {
  try {
    validateEnvironment(env);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('validateEnvironment', () => {
  it('accepts an empty environment (a development start with every default)', () => {
    expect(problem({})).toBeUndefined();
  });

  it('accepts a complete production configuration and converts numbers', () => {
    const env = validateEnvironment({
      NODE_ENV: 'production',
      PORT: '8080',
      DATABASE_URL: 'postgres://parley:parley@postgres:5432/parley',
      REDIS_URL: 'redis://redis:6379',
      JWT_SECRET: SECRET,
      JWT_ISSUER: 'https://idp.example.com/',
      JWT_AUDIENCE: 'parley',
      JWT_TENANT_CLAIM: 'org_id',
      DATA_DIR: '/var/lib/parley',
      MESSAGE_MAX_LENGTH: '4000',
      LLM_BASE_URL: 'http://localhost:11434/v1',
      LLM_MODEL: 'llama3',
      LLM_API_KEY: 'sk-test',
    });
    expect(env).toMatchObject({ PORT: 8080, MESSAGE_MAX_LENGTH: 4000, JWT_SECRET: SECRET });
  });

  it.each([
    'postgresql://postgres@127.0.0.1:5432/parley_ci_1',
    'postgres://user:pass@db.internal:5432/parley?sslmode=require',
  ])('accepts DATABASE_URL %s', (url) => {
    expect(problem({ DATABASE_URL: url })).toBeUndefined();
  });

  it('accepts a JWKS URL on a loopback address with a port', () => {
    expect(
      problem({ JWT_JWKS_URL: 'http://127.0.0.1:45678/.well-known/jwks.json' }),
    ).toBeUndefined();
  });

  it('accepts an RSA or P-256 public key, also with escaped newlines', () => {
    expect(problem({ JWT_PUBLIC_KEY: publicPem('rsa', { modulusLength: 2048 }) })).toBeUndefined();
    const ec = publicPem('ec', { namedCurve: 'P-256' });
    expect(problem({ JWT_PUBLIC_KEY: ec })).toBeUndefined();
    expect(problem({ JWT_PUBLIC_KEY: ec.replace(/\n/g, '\\n') })).toBeUndefined();
  });

  it.each(['abc', '70000', '-1', '3000.5'])('refuses PORT=%s, naming PORT', (port) => {
    expect(problem({ PORT: port })).toMatch(/^Invalid settings:\n {2}PORT: /);
  });

  it.each(['mysql://root@localhost/parley', 'not a url', 'http://localhost:5432/parley'])(
    'refuses DATABASE_URL=%s, naming DATABASE_URL',
    (url) => {
      expect(problem({ DATABASE_URL: url })).toMatch(/DATABASE_URL: /);
    },
  );

  it('refuses a REDIS_URL that is not a redis URL', () => {
    expect(problem({ REDIS_URL: 'http://redis:6379' })).toMatch(/REDIS_URL: /);
  });

  it('refuses a JWT_SECRET shorter than 32 characters', () => {
    expect(problem({ JWT_SECRET: 'too-short' })).toMatch(
      /JWT_SECRET: JWT_SECRET must be at least 32 characters/,
    );
    expect(problem({ JWT_SECRET: 'x'.repeat(32) })).toBeUndefined();
  });

  it('refuses two key settings at once, naming both', () => {
    const message = problem({
      JWT_SECRET: SECRET,
      JWT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
    });
    expect(message).toMatch(/JWT_SECRET, JWT_JWKS_URL: set only one of/);
  });

  it('refuses all three key settings at once', () => {
    const message = problem({
      JWT_SECRET: SECRET,
      JWT_PUBLIC_KEY: publicPem('rsa', { modulusLength: 2048 }),
      JWT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
    });
    expect(message).toMatch(/JWT_SECRET, JWT_PUBLIC_KEY, JWT_JWKS_URL: set only one of/);
  });

  it('refuses production without a key, and accepts it with any one key', () => {
    expect(problem({ NODE_ENV: 'production' })).toMatch(/JWT_SECRET: production needs/);
    expect(problem({ NODE_ENV: 'production', JWT_SECRET: SECRET })).toBeUndefined();
    expect(
      problem({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example.com/jwks.json' }),
    ).toBeUndefined();
  });

  it('lets development start without a key (the secret kept in DATA_DIR)', () => {
    expect(problem({ NODE_ENV: 'development' })).toBeUndefined();
  });

  it('refuses a JWT_PUBLIC_KEY that is no PEM key, or a key type the verifier cannot use', () => {
    expect(problem({ JWT_PUBLIC_KEY: 'not a key' })).toMatch(/JWT_PUBLIC_KEY: is not a PEM/);
    expect(problem({ JWT_PUBLIC_KEY: publicPem('ec', { namedCurve: 'P-384' }) })).toMatch(
      /JWT_PUBLIC_KEY: must be an RSA \(RS256\) or P-256 \(ES256\)/,
    );
    expect(problem({ JWT_PUBLIC_KEY: publicPem('ed25519') })).toMatch(/JWT_PUBLIC_KEY: must be/);
  });

  it.each([
    ['NODE_ENV', 'staging'],
    ['MESSAGE_MAX_LENGTH', '0'],
    ['MESSAGE_MAX_LENGTH', 'many'],
    ['JWT_JWKS_URL', 'ftp://idp.example.com/jwks.json'],
    ['JWT_TENANT_CLAIM', ''],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(problem({ [name]: value })).toContain(`${name}: `);
  });

  // A bare host passes a URL check that does not require the scheme, and then fails far from its cause.
  it.each([
    ['DATABASE_URL', 'localhost'],
    ['REDIS_URL', 'redis-host:6379'],
    ['JWT_JWKS_URL', 'idp.example.com/jwks.json'],
    ['LLM_BASE_URL', 'localhost:11434'],
  ])('refuses %s=%s without a scheme', (name, value) => {
    expect(problem({ [name]: value })).toContain(`${name}: `);
  });

  it('names every bad setting in one message', () => {
    const message = problem({ PORT: 'abc', DATABASE_URL: 'nope', JWT_SECRET: 'short' });
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/DATABASE_URL: /);
    expect(message).toMatch(/JWT_SECRET: /);
  });
});
