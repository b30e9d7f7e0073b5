import { contentOf, messagesRoom, notFound, startHttp } from './http';
import { insertMessage, newPool } from './messages';

/** Send baseline: node:http + pg, one INSERT ... RETURNING (with the seq bump in the same CTE). */
const pool = newPool();

startHttp(async (req, url, body) => {
  const roomId = messagesRoom(url);
  if (req.method !== 'POST' || !roomId) return notFound;
  const content = contentOf(body);
  if (!content) return { status: 400, body: { error: 'validation_failed' } };
  const message = await insertMessage(pool, roomId, content);
  return message ? { status: 201, body: message } : notFound;
});
