import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformFileSync } from '@swc/core';
import jwt from 'jsonwebtoken';
import { startTestApp, TestApp } from './support/test-app';
import { newProfile, newTenant } from './support/tokens';

/** What a fresh clone runs: no DATABASE_URL, no key, everything kept in DATA_DIR. */
const freshInstall = (dataDir: string) => ({
  DATABASE_URL: undefined,
  JWT_SECRET: undefined,
  JWT_PUBLIC_KEY: undefined,
  JWT_JWKS_URL: undefined,
  DATA_DIR: dataDir,
});

/**
 * Runs `npm run token` as a user would, without a build: SWC compiles src/auth/token.cli.ts and its one
 * local import to CommonJS in a temporary directory, and a child `node` runs it.
 */
function runTokenCli(args: string[], env: Record<string, string | undefined>): string {
  const out = mkdtempSync(join(tmpdir(), 'parley-token-cli-'));
  try {
    for (const file of ['token.cli', 'signing-key']) {
      const { code } = transformFileSync(join(__dirname, '..', 'src', 'auth', `${file}.ts`), {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      writeFileSync(join(out, `${file}.js`), code);
    }
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_PATH: join(__dirname, '..', 'node_modules'),
    };
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete childEnv[key];
      else childEnv[key] = value;
    }
    const run = spawnSync(process.execPath, [join(out, 'token.cli.js'), ...args], {
      env: childEnv,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    return run.stdout.trim();
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('the embedded database and the development key (a fresh install)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-embedded-'));
  const tenant = newTenant();
  const profile = newProfile('alice');
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp(freshInstall(dataDir));
    token = runTokenCli(['--tenant', tenant, '--sub', profile], freshInstall(dataDir));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is healthy on its own database in DATA_DIR', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body.info.database.status).toBe('up');
    expect(existsSync(join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
  });

  it('keeps a development secret in DATA_DIR, readable only by its owner', () => {
    const file = join(dataDir, 'jwt-dev-secret');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('accepts a token from the token CLI, signed with that secret', async () => {
    const secret = readFileSync(join(dataDir, 'jwt-dev-secret'), 'utf8').trim();
    expect(jwt.verify(token, secret, { algorithms: ['HS256'] })).toMatchObject({
      sub: profile,
      tid: tenant,
    });
    const res = await t.http.get('/v1/rooms').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ items: [], hasMore: false });
  });

  it('refuses a token signed with any other secret', async () => {
    const other = jwt.sign({ tid: tenant }, 'x'.repeat(48), { subject: profile, expiresIn: 60 });
    const res = await t.http.get('/v1/rooms').set('Authorization', `Bearer ${other}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('unauthorized');
  });

  it('answers a request body over 1 MiB with 413 payload_too_large', async () => {
    const body = JSON.stringify({ name: 'big', roomType: 'public', topic: 'x'.repeat(1_100_000) });
    const res = await t.http
      .post('/v1/rooms')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      statusCode: 413,
      error: 'payload_too_large',
      message: expect.any(String),
    });
  });

  it('answers malformed JSON with 400 and no internals', async () => {
    const res = await t.http
      .post('/v1/rooms')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"name": "general", "roomType": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: expect.any(String),
      message: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/at .+\.js|FST_/);
  });

  it('keeps its data and its secret across a restart', async () => {
    const created = await t.http
      .post('/v1/rooms')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'general', roomType: 'public' });
    expect(created.status).toBe(201);
    await t.close();
    t = await startTestApp(freshInstall(dataDir));
    const res = await t.http.get('/v1/rooms').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((room: { id: string }) => room.id)).toEqual([created.body.id]);
  }, 60_000);
});
