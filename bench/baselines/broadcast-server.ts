import { contentOf, messagesRoom, notFound, startHttp } from './http';
import { memoryMessage } from './messages';
import { attachRealtime, broadcast } from './realtime';

/** Fan-out and idle-socket baseline: bare socket.io; a POST broadcasts the message, nothing is stored. */
const seqs = new Map<string, number>();

const http = startHttp(async (req, url, body) => {
  const roomId = messagesRoom(url);
  const content = contentOf(body);
  if (req.method !== 'POST' || !roomId || !content) return notFound;
  const seq = (seqs.get(roomId) ?? 0) + 1;
  seqs.set(roomId, seq);
  const message = memoryMessage(roomId, seq, content);
  broadcast(io, message);
  return { status: 201, body: message };
});
const io = attachRealtime(http);
