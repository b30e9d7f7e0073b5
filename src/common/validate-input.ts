import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CommonErrors } from './errors/app-error';
import { describeValidationErrors } from './validation.pipe';

/**
 * Validates in-process input (the facade, socket payloads) with the same DTO classes and rules as the
 * HTTP pipe: unknown fields are refused, never silently dropped.
 */
export async function validateInput<T extends object>(
  dto: ClassConstructor<T>,
  input: unknown,
): Promise<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw CommonErrors.validation(['the payload must be an object']);
  }
  const value = plainToInstance(dto, input);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw CommonErrors.validation(describeValidationErrors(errors));
  }
  return value;
}
