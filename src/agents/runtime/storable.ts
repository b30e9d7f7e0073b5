/**
 * PostgreSQL refuses U+0000 in text and jsonb (a 500), and a lone surrogate is not Unicode. Agent output
 * is not validated like a user's body, so the runtime cleans it: NUL dropped, lone surrogates replaced.
 */
export function storableText(text: string): string {
  return text
    .replace(/\u0000/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * A plain JSON copy, taken once: checks and storage then see the same data even if the original has
 * getters or a toJSON. Undefined when the value is not JSON at all (a cycle, a BigInt, a function).
 */
export function jsonCopy(value: unknown): unknown {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : (JSON.parse(json) as unknown);
  } catch {
    return undefined;
  }
}

/** `value` (plain JSON) with every string cleaned, keys included. */
export function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [storableText(k), storable(v)]),
    );
  }
  return value;
}
