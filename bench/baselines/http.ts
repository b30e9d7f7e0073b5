import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

export type Handler = (
  req: IncomingMessage,
  url: URL,
  body: unknown,
) => Promise<{ status: number; body: unknown }>;

/** The settings a baseline gets from the harness. */
export const env = {
  port: Number(process.env.PORT ?? 0),
  databaseUrl: process.env.DATABASE_URL ?? '',
  tenantId: process.env.BENCH_TENANT ?? '',
};

const MESSAGES_PATH = /^\/v1\/rooms\/([0-9a-f-]{36})\/messages$/;

/** The room id of `/v1/rooms/:roomId/messages`, the one route every baseline answers. */
export const messagesRoom = (url: URL): string | undefined => MESSAGES_PATH.exec(url.pathname)?.[1];

/** Plain node:http: GET /health, JSON bodies in and out, everything else goes to `handle`. */
export function startHttp(handle: Handler): Server {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/health') return reply(res, 200, { status: 'ok' });
      let body: unknown;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
      } catch {
        return reply(res, 400, { error: 'validation_failed' });
      }
      handle(req, url, body).then(
        (r) => reply(res, r.status, r.body),
        (err: Error) => reply(res, 500, { error: 'internal_error', message: err.message }),
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(env.port, '127.0.0.1');
  return server;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

export const notFound = { status: 404, body: { error: 'not_found' } };

export function contentOf(body: unknown): string | undefined {
  const content = (body as { content?: unknown } | undefined)?.content;
  return typeof content === 'string' && content.length > 0 ? content : undefined;
}
