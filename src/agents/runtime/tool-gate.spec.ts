import { MessageRole, MessageType } from '../../messages/message.types';
import { checkToolGate, isToolAllowed, isToolMessage, toolNameOf } from './tool-gate';

const call = (name: unknown, extra: Partial<Record<string, unknown>> = {}) => ({
  role: 'assistant' as MessageRole,
  messageType: 'tool_call' as MessageType,
  toolCallData: { name, input: {}, callId: 'c1', ...extra },
});

const result = (name: unknown) => ({
  role: 'tool' as MessageRole,
  messageType: 'tool_result' as MessageType,
  toolCallData: { name, callId: 'c1', output: { ok: true } },
});

const ALLOWED = ['clock.now', 'text.word_count'];

describe('tool gate', () => {
  describe('an allowed name passes', () => {
    it.each([
      ['a tool_call', call('clock.now')],
      ['a tool_result', result('text.word_count')],
    ])('%s', (_label, message) => {
      const name = (message.toolCallData as { name: string }).name;
      expect(checkToolGate(message, ALLOWED)).toEqual({ gated: true, allowed: true, name });
    });
  });

  it('refuses a name that is not in the list', () => {
    expect(checkToolGate(call('shell.exec'), ALLOWED)).toEqual({
      gated: true,
      allowed: false,
      reason: 'tool_not_allowed',
    });
  });

  it('refuses every name when the list is empty', () => {
    for (const name of ALLOWED) {
      expect(checkToolGate(call(name), [])).toMatchObject({
        allowed: false,
        reason: 'tool_not_allowed',
      });
    }
  });

  describe('an unreadable stored list allows nothing', () => {
    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a string', 'clock.now'],
      ['a JSON text of a list', '["clock.now"]'],
      ['an object', { 'clock.now': true, 0: 'clock.now' }],
      ['a number', 1],
      ['an array with a non-string', ['clock.now', 1]],
      ['an array with null', [null, 'clock.now']],
      ['a nested array', [['clock.now']]],
    ])('%s', (_label, stored) => {
      expect(isToolAllowed('clock.now', stored)).toBe(false);
      expect(checkToolGate(call('clock.now'), stored)).toMatchObject({
        allowed: false,
        reason: 'tool_not_allowed',
      });
      expect(checkToolGate(result('clock.now'), stored)).toMatchObject({ allowed: false });
    });
  });

  describe('names are compared exactly', () => {
    it.each([
      ['upper case', 'Clock.now'],
      ['all upper case', 'CLOCK.NOW'],
      ['a leading space', ' clock.now'],
      ['a trailing space', 'clock.now '],
      ['a trailing newline', 'clock.now\n'],
      ['a tab', '\tclock.now'],
      ['a Cyrillic с for c', '\u0441lock.now'],
      ['a Cyrillic о for o', 'cl\u043eck.now'],
      ['a fullwidth full stop', 'clock\uff0enow'],
      ['a zero-width space', 'clock.\u200bnow'],
      ['a decomposed form', 'clock.now\u0301'],
      ['a prefix', 'clock'],
      ['a longer name', 'clock.now.extra'],
    ])('refuses %s', (_label, name) => {
      expect(checkToolGate(call(name), ALLOWED)).toMatchObject({
        allowed: false,
        reason: 'tool_not_allowed',
      });
      expect(checkToolGate(result(name), ALLOWED)).toMatchObject({ allowed: false });
    });

    it('does not normalise the stored list either', () => {
      expect(isToolAllowed('clock.now', [' clock.now', 'Clock.now', '\u0441lock.now'])).toBe(false);
      expect(isToolAllowed('\u0441lock.now', ['\u0441lock.now'])).toBe(true);
    });
  });

  describe('a missing or non-string name is refused', () => {
    it.each([
      ['missing', undefined],
      ['null', null],
      ['empty', ''],
      ['a number', 123],
      ['a boolean', true],
      ['an array', ['clock.now']],
      ['an object', { toString: () => 'clock.now' }],
    ])('%s', (_label, name) => {
      const message = call(name);
      if (name === undefined) delete (message.toolCallData as { name?: unknown }).name;
      expect(checkToolGate(message, ALLOWED)).toEqual({
        gated: true,
        allowed: false,
        reason: 'tool_name_missing',
      });
    });

    it('does not fall back to other fields for the name', () => {
      const message = call(undefined, { tool: 'clock.now', toolName: 'clock.now' });
      delete (message.toolCallData as { name?: unknown }).name;
      expect(checkToolGate(message, ALLOWED)).toMatchObject({ reason: 'tool_name_missing' });
      expect(checkToolGate(call(5, { tool: 'clock.now' }), ALLOWED)).toMatchObject({
        reason: 'tool_name_missing',
      });
    });

    it.each([
      ['null', null],
      ['a string', 'clock.now'],
      ['an array', [{ name: 'clock.now' }]],
      ['a number', 0],
    ])('refuses tool data that is %s', (_label, toolCallData) => {
      const message = {
        role: 'assistant' as MessageRole,
        messageType: 'tool_call' as MessageType,
        toolCallData,
      };
      expect(checkToolGate(message, ALLOWED)).toMatchObject({ reason: 'tool_name_missing' });
    });
  });

  describe('every tool path is gated', () => {
    const paths: [string, MessageRole, MessageType, unknown][] = [
      ['a tool_call', 'assistant', 'tool_call', null],
      ['a tool_result', 'tool', 'tool_result', null],
      ['a tool_result with role assistant', 'assistant', 'tool_result', null],
      ['role tool with type text', 'tool', 'text', null],
      ['tool data on a text message', 'assistant', 'text', { name: 'shell.exec' }],
      ['empty tool data on a text message', 'assistant', 'text', {}],
      ['tool data on a user message', 'user', 'text', { name: 'shell.exec' }],
      ['falsy tool data', 'assistant', 'text', 0],
    ];

    it.each(paths)(
      '%s is a tool message and refused without an allowed name',
      (_l, role, messageType, data) => {
        const message = { role, messageType, toolCallData: data };
        expect(isToolMessage(message)).toBe(true);
        expect(checkToolGate(message, ALLOWED)).toMatchObject({ gated: true, allowed: false });
      },
    );

    it('role tool passes only with an allowed name, like any tool message', () => {
      const message = {
        role: 'tool' as MessageRole,
        messageType: 'text' as MessageType,
        toolCallData: { name: 'clock.now' },
      };
      expect(checkToolGate(message, ALLOWED)).toMatchObject({ allowed: true });
      expect(checkToolGate(message, ['text.word_count'])).toMatchObject({ allowed: false });
    });

    it('a plain text message without tool data is not gated', () => {
      for (const role of ['assistant', 'user'] as MessageRole[]) {
        const message = { role, messageType: 'text' as MessageType, toolCallData: null };
        expect(isToolMessage(message)).toBe(false);
        expect(checkToolGate(message, [])).toEqual({ gated: false });
        expect(checkToolGate({ ...message, toolCallData: undefined }, null)).toEqual({
          gated: false,
        });
      }
    });
  });

  it('reads the name only from toolCallData.name', () => {
    expect(toolNameOf({ name: 'clock.now' })).toBe('clock.now');
    expect(toolNameOf({ tool: 'clock.now' })).toBeNull();
  });
});
