import { decodeActivityCursor, encodeActivityCursor } from './activity-cursor';
import { AppError } from './errors/app-error';

const id = '01900000-0000-7000-8000-000000000000';
const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

describe('activity cursors', () => {
  it('round-trips an activity key with microseconds', () => {
    const key = '2025-11-27T10:11:12.123456Z';
    expect(decodeActivityCursor(encodeActivityCursor(key, id))).toEqual([key, id]);
  });

  it.each([
    ['no cursor at all', 'garbage'],
    ['a missing part', forged(['2025-11-27T10:11:12.123456Z'])],
    ['a day that does not exist', forged(['2025-02-30T00:00:00.000000Z', id])],
    ['an hour that does not exist', forged(['2025-02-03T25:00:00.000000Z', id])],
    ['milliseconds only', forged(['2025-02-03T00:00:00.000Z', id])],
    ['year 0', forged(['0000-01-01T00:00:00.000000Z', id])],
    ['a number for the key', forged([1, id])],
    ['an id that is no uuid', forged(['2025-02-03T00:00:00.000000Z', 'x'])],
  ])('refuses %s with 400 validation_failed', (_label, cursor) => {
    expect(() => decodeActivityCursor(cursor)).toThrow(AppError);
    try {
      decodeActivityCursor(cursor);
    } catch (err) {
      expect((err as AppError).code).toBe('validation_failed');
    }
  });
});
