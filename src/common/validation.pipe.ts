import { ValidationError, ValidationPipe } from '@nestjs/common';
import { CommonErrors } from './errors/app-error';

/** One readable line per failed rule, with the path of nested fields. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(e.property) ? `${prefix ? prefix + '.' : ''}${m}` : `${path}: ${m}`,
    );
    return [...own, ...describeValidationErrors(e.children ?? [], path)];
  });
}

/** Rejects unknown fields and malformed values with 400 `validation_failed`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => CommonErrors.validation(describeValidationErrors(errors)),
  });
}
