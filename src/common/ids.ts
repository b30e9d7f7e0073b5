import { PipeTransform, Injectable } from '@nestjs/common';
import { v7 } from 'uuid';
import { CommonErrors } from './errors/app-error';

export const newId = (): string => v7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID.test(value);

/** Profile and tenant ids: opaque strings, 1-128 characters, no control characters. */
export const isOpaqueId = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length >= 1 &&
  value.length <= 128 &&
  !/[\u0000-\u001f\u007f-\u009f]/.test(value);

/** Path ids: a malformed one is a 400 `invalid_id`, never a database error. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  constructor(private readonly name = 'id') {}

  transform(value: string): string {
    if (!isUuid(value)) throw CommonErrors.invalidId(this.name);
    return value.toLowerCase();
  }
}
