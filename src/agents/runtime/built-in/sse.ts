/**
 * The `data` of each server-sent event in a response body (lines starting `data:`, an event ending at a
 * blank line). Comments, `event:` and `id:` lines are not needed for chat completions and are skipped.
 */
export async function* sseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const lines = function* (final: boolean) {
    const parts = buffer.split(/\r\n|\r|\n/);
    buffer = final ? '' : (parts.pop() ?? '');
    yield* parts;
  };
  const feed = function* (line: string): Generator<string> {
    if (line === '') {
      if (data.length > 0) yield data.join('\n');
      data = [];
    } else if (line.startsWith('data:')) {
      data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (const line of lines(false)) yield* feed(line);
  }
  buffer += decoder.decode();
  for (const line of lines(true)) yield* feed(line);
  yield* feed('');
}
