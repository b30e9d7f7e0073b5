/** A promise that rejects with `signal`'s reason once it aborts, and a way to stop listening. */
function watch(signal: AbortSignal): { aborted: Promise<never>; dispose(): void } {
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  return { aborted, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** `work`, or the abort reason if `signal` aborts first: a stuck tool cannot hold a turn open. */
export async function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const w = watch(signal);
  try {
    return await Promise.race([work, w.aborted]);
  } finally {
    w.dispose();
  }
}

/** Iterates `source` until it ends or `signal` aborts, whichever comes first. */
export async function* abortableIterable<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const w = watch(signal);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), w.aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    w.dispose();
    // Lets a well-behaved generator clean up; a stuck one is not waited for.
    void Promise.resolve()
      .then(() => iterator.return?.())
      .catch(() => undefined);
  }
}
