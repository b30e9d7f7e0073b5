import { createHmac, generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import jwt, { SignOptions } from 'jsonwebtoken';
import { startTestApp, TestApp } from './support/test-app';
import { newProfile, newTenant, TEST_JWT_SECRET, tokenFor } from './support/tokens';

const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);

/** A token built by hand, for what jsonwebtoken refuses to sign (`alg: none`, HMAC over a PEM). */
function handmade(header: object, payload: object, hmacKey?: string, hmac = 'sha256'): string {
  const unsigned = `${b64url(header)}.${b64url(payload)}`;
  if (hmacKey === undefined) return `${unsigned}.`;
  return `${unsigned}.${createHmac(hmac, hmacKey).update(unsigned).digest('base64url')}`;
}

const claims = () => ({ sub: newProfile('alice'), tid: newTenant(), exp: now() + 600 });

function signWith(key: KeyObject, algorithm: 'RS256' | 'ES256', options: SignOptions = {}): string {
  return jwt.sign({ tid: newTenant() }, key, {
    algorithm,
    subject: newProfile('alice'),
    expiresIn: 600,
    ...options,
  });
}

const get = (t: TestApp, token?: string) => {
  const req = t.http.get('/v1/rooms');
  return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
};

async function expectRefused(t: TestApp, token?: string): Promise<void> {
  const res = await get(t, token);
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ statusCode: 401, error: 'unauthorized', message: expect.any(String) });
}

async function expectAccepted(t: TestApp, token: string): Promise<void> {
  const res = await get(t, token);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ items: [], hasMore: false });
}

describe('authentication with JWT_SECRET (HS256)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves GET /health without a token', async () => {
    await t.http.get('/health').expect(200);
  });

  it('accepts a valid HS256 token', async () => {
    await expectAccepted(t, tokenFor(newTenant(), newProfile()));
  });

  it('refuses a request without an Authorization header', async () => {
    await expectRefused(t);
  });

  it('refuses a header that is not a bearer token', async () => {
    const token = tokenFor(newTenant(), newProfile());
    const res = await t.http.get('/v1/rooms').set('Authorization', `Basic ${token}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('unauthorized');
  });

  it.each(['garbled', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.!!!.???', ''])(
    'refuses the garbled token %j',
    async (token) => {
      await expectRefused(t, token);
    },
  );

  it('refuses a token with a bad signature', async () => {
    const other = 'another-secret-another-secret-0123456789';
    await expectRefused(t, tokenFor(newTenant(), newProfile(), {}, other));
    const good = tokenFor(newTenant(), newProfile());
    const tampered = good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA');
    await expectRefused(t, tampered);
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = tokenFor(newTenant(), newProfile()).split('.');
    await expectRefused(t, `${header}.${b64url(claims())}.${signature}`);
  });

  it('refuses alg: none', async () => {
    await expectRefused(t, handmade({ alg: 'none', typ: 'JWT' }, claims()));
    await expectRefused(t, handmade({ alg: 'none', typ: 'JWT' }, claims(), TEST_JWT_SECRET));
  });

  it('refuses an algorithm other than the configured HS256 (HS384, HS512), same secret', async () => {
    const token = tokenFor(newTenant(), newProfile(), { algorithm: 'HS384' });
    await expectRefused(t, token);
    await expectRefused(t, handmade({ alg: 'HS512' }, claims(), TEST_JWT_SECRET, 'sha512'));
  });

  it('refuses an expired token', async () => {
    await expectRefused(t, tokenFor(newTenant(), newProfile(), { expiresIn: -10 }));
  });

  it('refuses a token that is not valid yet (nbf)', async () => {
    await expectRefused(t, tokenFor(newTenant(), newProfile(), { notBefore: 120 }));
  });

  it('accepts a token without iss/aud when none is configured', async () => {
    const token = tokenFor(newTenant(), newProfile(), { issuer: 'anyone', audience: 'any' });
    await expectAccepted(t, token);
  });

  it('refuses a token without sub', async () => {
    const token = jwt.sign({ tid: newTenant() }, TEST_JWT_SECRET, { expiresIn: 600 });
    await expectRefused(t, token);
  });

  it('refuses a token without the tenant claim, or with an empty or non-string one', async () => {
    const noTenant = jwt.sign({}, TEST_JWT_SECRET, { subject: newProfile(), expiresIn: 600 });
    await expectRefused(t, noTenant);
    for (const tid of ['', 42, ['t-1'], { id: 't-1' }]) {
      const token = jwt.sign({ tid }, TEST_JWT_SECRET, { subject: newProfile(), expiresIn: 600 });
      await expectRefused(t, token);
    }
  });

  it('refuses the reserved agent: subject', async () => {
    await expectRefused(t, tokenFor(newTenant(), 'agent:echo'));
    await expectRefused(t, tokenFor(newTenant(), 'agent:'));
  });

  it('refuses a sub or tenant over 128 characters, and accepts exactly 128', async () => {
    await expectRefused(t, tokenFor(newTenant(), 'p'.repeat(129)));
    await expectRefused(t, tokenFor('t'.repeat(129), newProfile()));
    await expectAccepted(t, tokenFor(`t-${'x'.repeat(126)}`, 'p'.repeat(128)));
  });

  it('refuses a sub with control characters', async () => {
    await expectRefused(t, tokenFor(newTenant(), 'alice\nbob'));
    await expectRefused(t, tokenFor(newTenant(), 'alice\u0000'));
  });
});

describe('authentication with JWT_ISSUER and JWT_AUDIENCE', () => {
  const issuer = 'https://idp.example.test/';
  const audience = 'parley-api';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ JWT_ISSUER: issuer, JWT_AUDIENCE: audience });
  });
  afterAll(() => t.close());

  it('accepts the configured issuer and audience', async () => {
    await expectAccepted(t, tokenFor(newTenant(), newProfile(), { issuer, audience }));
    const oneOfMany = { issuer, audience: ['other-api', audience] };
    await expectAccepted(t, tokenFor(newTenant(), newProfile(), oneOfMany));
  });

  it('refuses a wrong or missing issuer', async () => {
    await expectRefused(t, tokenFor(newTenant(), newProfile(), { issuer: 'evil', audience }));
    await expectRefused(t, tokenFor(newTenant(), newProfile(), { audience }));
  });

  it('refuses a wrong or missing audience', async () => {
    await expectRefused(t, tokenFor(newTenant(), newProfile(), { issuer, audience: 'other' }));
    await expectRefused(t, tokenFor(newTenant(), newProfile(), { issuer }));
  });
});

describe('authentication with a custom JWT_TENANT_CLAIM', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ JWT_TENANT_CLAIM: 'org_id' });
  });
  afterAll(() => t.close());

  it('takes the tenant from the configured claim', async () => {
    const token = jwt.sign({ org_id: newTenant() }, TEST_JWT_SECRET, {
      subject: newProfile(),
      expiresIn: 600,
    });
    await expectAccepted(t, token);
  });

  it('refuses a token that carries only the default tid claim', async () => {
    await expectRefused(t, tokenFor(newTenant(), newProfile()));
  });
});

describe('authentication with JWT_PUBLIC_KEY (RS256)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ JWT_SECRET: undefined, JWT_PUBLIC_KEY: pem });
  });
  afterAll(() => t.close());

  it('accepts an RS256 token signed by the matching private key', async () => {
    await expectAccepted(t, signWith(privateKey, 'RS256'));
  });

  it('refuses an RS256 token signed by another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expectRefused(t, signWith(other, 'RS256'));
  });

  it('refuses an HS256 token that uses the public key PEM as its secret', async () => {
    await expectRefused(t, handmade({ alg: 'HS256', typ: 'JWT' }, claims(), pem));
  });

  it('refuses HS256 with the test secret, alg none and ES256', async () => {
    await expectRefused(t, tokenFor(newTenant(), newProfile()));
    await expectRefused(t, handmade({ alg: 'none' }, claims()));
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await expectRefused(t, signWith(ec, 'ES256'));
  });

  it('still refuses expired tokens and agent: subjects', async () => {
    await expectRefused(t, signWith(privateKey, 'RS256', { expiresIn: -10 }));
    await expectRefused(t, signWith(privateKey, 'RS256', { subject: 'agent:echo' }));
  });
});

describe('authentication with JWT_PUBLIC_KEY (ES256)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ JWT_SECRET: undefined, JWT_PUBLIC_KEY: pem });
  });
  afterAll(() => t.close());

  it('accepts an ES256 token signed by the matching private key', async () => {
    await expectAccepted(t, signWith(privateKey, 'ES256'));
  });

  it('refuses an ES256 token signed by another key', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await expectRefused(t, signWith(other, 'ES256'));
  });

  it('refuses RS256 and an HS256 token that uses the public key PEM as its secret', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expectRefused(t, signWith(rsa, 'RS256'));
    await expectRefused(t, handmade({ alg: 'HS256', typ: 'JWT' }, claims(), pem));
  });
});

describe('authentication with JWT_JWKS_URL', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwks = {
    keys: [
      { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig', alg: 'RS256' },
      { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', use: 'sig', alg: 'ES256' },
    ],
  };
  let server: Server;
  let jwksRequests = 0;
  let t: TestApp;

  beforeAll(async () => {
    server = createServer((req, res) => {
      jwksRequests += 1;
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    t = await startTestApp({
      JWT_SECRET: undefined,
      JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    });
  });
  afterAll(async () => {
    await t.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('accepts RS256 and ES256 tokens whose kid is in the key set', async () => {
    await expectAccepted(t, signWith(rsa.privateKey, 'RS256', { keyid: 'rsa-1' }));
    await expectAccepted(t, signWith(ec.privateKey, 'ES256', { keyid: 'ec-1' }));
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('refuses a kid that is not in the key set', async () => {
    await expectRefused(t, signWith(rsa.privateKey, 'RS256', { keyid: 'unknown' }));
  });

  it('refuses a token signed by another key under a known kid', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expectRefused(t, signWith(other, 'RS256', { keyid: 'rsa-1' }));
  });

  it('refuses HS256 (also keyed with the published key) and alg none', async () => {
    await expectRefused(t, tokenFor(newTenant(), newProfile(), { keyid: 'rsa-1' }));
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expectRefused(t, handmade({ alg: 'HS256', kid: 'rsa-1' }, claims(), pem));
    await expectRefused(t, handmade({ alg: 'none', kid: 'rsa-1' }, claims()));
  });

  it('refuses an expired token and the agent: subject', async () => {
    const expired = { keyid: 'rsa-1', expiresIn: -10 };
    await expectRefused(t, signWith(rsa.privateKey, 'RS256', expired));
    const agent = { keyid: 'rsa-1', subject: 'agent:echo' };
    await expectRefused(t, signWith(rsa.privateKey, 'RS256', agent));
  });
});

describe('authentication with a JWT_JWKS_URL that does not answer', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let t: TestApp;
  beforeAll(async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    t = await startTestApp({
      JWT_SECRET: undefined,
      JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    });
  });
  afterAll(() => t.close());

  it('refuses the token with 401, not a server error', async () => {
    await expectRefused(t, signWith(rsa.privateKey, 'RS256', { keyid: 'rsa-1' }));
  });
});
