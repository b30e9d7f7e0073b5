import { startTestApp, TestApp } from './support/test-app';

describe('GET /health and the docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers without a token and reports the database', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
  });

  it('serves the OpenAPI document without a token', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
  });

  it('denies an unknown route without a token by default', async () => {
    const res = await t.http.get('/v1/rooms').expect(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'unauthorized',
      message: expect.any(String),
    });
  });
});
