import { CommonErrors } from './errors/app-error';

/** Opaque keyset cursors: clients pass back what a page gave them and never build one. */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): (string | number)[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === length) return parts as (string | number)[];
  } catch {
    // fall through to the error below
  }
  throw CommonErrors.validation(['cursor is not a cursor this server made']);
}
