import { env, messagesRoom, notFound, startHttp } from './http';
import { HISTORY_SQL, LATEST, newPool, toMessage } from './messages';

/** History baseline: node:http + pg running the timeline keyset query, newest first. */
const pool = newPool();

startHttp(async (req, url) => {
  const roomId = messagesRoom(url);
  if (req.method !== 'GET' || !roomId) return notFound;
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const before = url.searchParams.get('before') ?? LATEST;
  const { rows } = await pool.query(HISTORY_SQL, [env.tenantId, roomId, before, limit + 1]);
  return {
    status: 200,
    body: { items: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit },
  };
});
