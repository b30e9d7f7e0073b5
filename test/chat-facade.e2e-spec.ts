import { DataSource } from 'typeorm';
import { ChatService } from '../src/chat/chat.service';
import { AppError } from '../src/common/errors/app-error';
import { makeTenant, startTestApp, TestApp } from './support/test-app';

/** The facade must enforce exactly what the routes enforce. */
describe('ChatService facade', () => {
  let t: TestApp;
  let chat: ChatService;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    chat = t.app.get(ChatService);
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const ref = (tenantId: string, actorProfileId: string) => ({ tenantId, actorProfileId });
  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err instanceof AppError ? `${err.getStatus()} ${err.code}` : String(err);
    }
    return 'resolved';
  };

  async function setup() {
    const { tenantId, users } = makeTenant('owner', 'viewer', 'stranger');
    const alice = ref(tenantId, users.owner.profileId);
    const room = await chat.createRoom({ ...alice, room: { name: 'ops', roomType: 'private' } });
    await chat.addParticipant({
      ...alice,
      roomId: room.id,
      participant: { profileId: users.viewer.profileId, role: 'viewer' },
    });
    return { tenantId, users, alice, room };
  }

  it('sends a user message as the actor and stores it', async () => {
    const { alice, room } = await setup();
    const { message, created } = await chat.sendMessage({
      ...alice,
      roomId: room.id,
      message: { content: 'hello' },
    });
    expect(created).toBe(true);
    expect(message).toMatchObject({ role: 'user', senderProfileId: alice.actorProfileId, seq: 3 });
    const page = await chat.getRoomMessages({ ...alice, roomId: room.id });
    expect(page.items.map((m) => m.id)).toEqual([message.id]);
  });

  it('refuses agent-shaped input and stores nothing', async () => {
    const { alice, room } = await setup();
    for (const message of [
      { content: 'x', role: 'assistant' },
      { content: 'x', toolCallData: { name: 'clock.now' } },
      { content: 'x', messageType: 'tool_call' },
      { content: 'x', senderProfileId: 'agent:echo' },
    ]) {
      expect(
        await codeOf(chat.sendMessage({ ...alice, roomId: room.id, message: message as never })),
      ).toBe('400 validation_failed');
    }
    expect(
      await codeOf(
        chat.sendMessage({
          tenantId: alice.tenantId,
          actorProfileId: 'agent:echo',
          roomId: room.id,
          message: { content: 'x' },
        }),
      ),
    ).toBe('400 validation_failed');
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM chat_messages WHERE tenant_id = $1 AND room_id = $2`,
      [alice.tenantId, room.id],
    );
    expect(n).toBe(0);
  });

  it('applies the routes’ access rules: other tenant, non-member, viewer, wrong role', async () => {
    const { tenantId, users, room } = await setup();
    const other = makeTenant('mallory');
    const send = (actor: { tenantId: string; actorProfileId: string }) =>
      codeOf(chat.sendMessage({ ...actor, roomId: room.id, message: { content: 'x' } }));
    expect(await send(ref(other.tenantId, users.owner.profileId))).toBe('404 room_not_found');
    expect(await send(ref(tenantId, users.stranger.profileId))).toBe('404 room_not_found');
    expect(await send(ref(tenantId, users.viewer.profileId))).toBe('403 forbidden_role');
    expect(
      await codeOf(
        chat.updateRoom({
          ...ref(tenantId, users.viewer.profileId),
          roomId: room.id,
          changes: { name: 'n' },
        }),
      ),
    ).toBe('403 forbidden_role');
    expect(
      await codeOf(
        chat.getRoomMessages({ ...ref(tenantId, users.owner.profileId), roomId: 'nope' }),
      ),
    ).toBe('400 invalid_id');
  });

  it('opens one DM for a pair and threads a root message', async () => {
    const { tenantId, users, alice, room } = await setup();
    const first = await chat.getOrCreateDM({ ...alice, profileId: users.stranger.profileId });
    const again = await chat.getOrCreateDM({
      ...ref(tenantId, users.stranger.profileId),
      profileId: users.owner.profileId,
    });
    expect([first.created, again.created]).toEqual([true, false]);
    expect(again.room.id).toBe(first.room.id);
    const { message } = await chat.sendMessage({
      ...alice,
      roomId: room.id,
      message: { content: 'root' },
    });
    const { thread } = await chat.startThread({
      ...alice,
      roomId: room.id,
      thread: { rootMessageId: message.id },
    });
    await chat.sendMessage({
      ...alice,
      roomId: room.id,
      message: { content: 'reply', threadId: thread.id },
    });
    const replies = await chat.getThreadMessages({
      ...alice,
      roomId: room.id,
      threadId: thread.id,
    });
    expect(replies.items.map((m) => m.content)).toEqual(['reply']);
    const threads = await chat.listRoomThreads({ ...alice, roomId: room.id });
    expect(threads.items[0]).toMatchObject({ id: thread.id, messageCount: 1 });
    await chat.addReaction({ ...alice, roomId: room.id, messageId: message.id, emoji: '👍' });
    await chat.removeReaction({ ...alice, roomId: room.id, messageId: message.id, emoji: '👍' });
    await chat.removeParticipant({ ...alice, roomId: room.id, profileId: users.viewer.profileId });
    const [{ status }] = await db.query(
      `SELECT status FROM chat_participants WHERE tenant_id = $1 AND room_id = $2 AND profile_id = $3`,
      [tenantId, room.id, users.viewer.profileId],
    );
    expect(status).toBe('kicked');
  });
});
