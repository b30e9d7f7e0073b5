import { decodeCursor, encodeCursor } from './cursor';
import { CommonErrors } from './errors/app-error';
import { isUuid } from './ids';

/**
 * Cursors for lists ordered by a time, newest first, then id: latest activity for rooms and threads,
 * creation for agent sessions. The SQL renders the time with its microseconds: a JS Date only has
 * milliseconds, and a cursor rounded to them would skip rows of the same millisecond.
 */
export const timeKeySql = (expression: string) =>
  `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Latest activity: the last message, else the creation. */
export const activityKeySql = (alias: string) =>
  timeKeySql(`COALESCE(${alias}.last_message_at, ${alias}.created_at)`);

const ACTIVITY_KEY = /^([1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;

export function encodeActivityCursor(activityKey: string, id: string): string {
  return encodeCursor([activityKey, id]);
}

/**
 * Checks both parts before they reach SQL: a forged date such as February 30 would otherwise fail the
 * `::timestamptz` cast with an error that is not the client's 400.
 */
export function decodeActivityCursor(cursor: string): [string, string] {
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
