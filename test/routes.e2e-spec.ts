import { RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../src/auth/public.decorator';
import { RoomMembershipInterceptor } from '../src/rooms/room-membership.interceptor';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Who can reach what, as one reviewed list: a new route, or a route that becomes public or loses the
 * room membership check, changes this list and shows up in review. `jwt` = the global guard applies;
 * `room` = RoomMembershipInterceptor checks the `:roomId` before the handler.
 */
const EXPECTED = `
DELETE /v1/rooms/:roomId/messages/:messageId jwt room
DELETE /v1/rooms/:roomId/messages/:messageId/reactions/:emoji jwt room
DELETE /v1/rooms/:roomId/participants/:profileId jwt room
GET /health public
GET /v1/agent-sessions jwt
GET /v1/agent-sessions/:id jwt
GET /v1/agents jwt
GET /v1/rooms jwt room
GET /v1/rooms/:roomId jwt room
GET /v1/rooms/:roomId/events jwt room
GET /v1/rooms/:roomId/messages jwt room
GET /v1/rooms/:roomId/messages/:messageId jwt room
GET /v1/rooms/:roomId/participants jwt room
GET /v1/rooms/:roomId/threads jwt room
GET /v1/rooms/:roomId/threads/:threadId jwt room
GET /v1/rooms/:roomId/threads/:threadId/messages jwt room
PATCH /v1/agent-sessions/:id jwt
PATCH /v1/rooms/:roomId jwt room
PATCH /v1/rooms/:roomId/messages/:messageId jwt room
PATCH /v1/rooms/:roomId/participants/:profileId jwt room
PATCH /v1/rooms/:roomId/threads/:threadId jwt room
POST /v1/agent-sessions jwt
POST /v1/agent-sessions/:id/close jwt
POST /v1/agent-sessions/:id/messages jwt
POST /v1/dms jwt
POST /v1/rooms jwt room
POST /v1/rooms/:roomId/archive jwt room
POST /v1/rooms/:roomId/join jwt room
POST /v1/rooms/:roomId/leave jwt room
POST /v1/rooms/:roomId/messages jwt room
POST /v1/rooms/:roomId/participants jwt room
POST /v1/rooms/:roomId/read jwt room
POST /v1/rooms/:roomId/threads jwt room
POST /v1/rooms/:roomId/unarchive jwt room
PUT /v1/rooms/:roomId/messages/:messageId/reactions/:emoji jwt room
`.trim();

describe('the route table', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists every route with its guard and room check', () => {
    const reflector = t.app.get(Reflector);
    const routes: string[] = [];
    for (const wrapper of t.app.get(DiscoveryService).getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      const prototype = type.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const path = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const url = `/${[base, path].filter((p) => p && p !== '/').join('/')}`;
        const isPublic = reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, type]);
        const interceptors = [
          ...((Reflect.getMetadata(INTERCEPTORS_METADATA, type) as unknown[]) ?? []),
          ...((Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[]) ?? []),
        ];
        const room = interceptors.includes(RoomMembershipInterceptor) ? ' room' : '';
        routes.push(`${RequestMethod[method]} ${url} ${isPublic ? 'public' : 'jwt'}${room}`);
      }
    }
    expect(routes.sort().join('\n')).toBe(EXPECTED);
  });
});
