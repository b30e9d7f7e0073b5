import { decodeCursor, encodeCursor } from '../common/cursor';
import { CommonErrors } from '../common/errors/app-error';
import { isUuid } from '../common/ids';

/**
 * The SQL that renders a thread's activity time for its cursor. It keeps the microseconds: a JS Date
 * only has milliseconds, and a cursor rounded to them would skip threads active in the same millisecond.
 */
export const ACTIVITY_KEY_SQL = `to_char(COALESCE(last_message_at, created_at) AT TIME ZONE 'UTC',
  'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const ACTIVITY_KEY = /^([1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;

export function encodeThreadCursor(activityKey: string, id: string): string {
  return encodeCursor([activityKey, id]);
}

/**
 * Checks both parts before they reach SQL: a forged date such as February 30 would otherwise fail the
 * `::timestamptz` cast with an error that is not the client's 400.
 */
export function decodeThreadCursor(cursor: string): [string, string] {
  const [activityKey, id] = decodeCursor(cursor, 2);
  if (!isRealInstant(activityKey) || !isUuid(id)) {
    throw CommonErrors.validation(['cursor is not a cursor this server made']);
  }
  return [activityKey, id];
}

function isRealInstant(key: unknown): key is string {
  const match = typeof key === 'string' ? ACTIVITY_KEY.exec(key) : null;
  if (!match) return false;
  const millis = `${match[1]}Z`;
  const date = new Date(millis);
  return !isNaN(date.getTime()) && date.toISOString() === millis;
}
