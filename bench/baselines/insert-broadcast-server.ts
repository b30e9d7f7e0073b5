import { contentOf, messagesRoom, notFound, startHttp } from './http';
import { insertMessage, newPool } from './messages';
import { attachRealtime, broadcast } from './realtime';

/** End-to-end baseline, one process: node:http + pg insert (seq CTE) + socket.io broadcast. */
const pool = newPool();

const http = startHttp(async (req, url, body) => {
  const roomId = messagesRoom(url);
  const content = contentOf(body);
  if (req.method !== 'POST' || !roomId || !content) return notFound;
  const message = await insertMessage(pool, roomId, content);
  if (!message) return notFound;
  broadcast(io, message);
  return { status: 201, body: message };
});
const io = attachRealtime(http);
