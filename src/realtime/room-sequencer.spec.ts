import fc from 'fast-check';
import { RoomEvent } from '../events/room-event';
import { RoomSequencer } from './room-sequencer';

const event = (seq: number): RoomEvent => ({
  tenantId: 't',
  roomId: 'r',
  seq,
  type: 'message.created',
  data: { seq },
  createdAt: new Date(0).toISOString(),
});

/** A sequencer over a log of `stored` seqs; `delivered` records what reaches the sockets. */
function harness(stored: number[], pageSize = 3) {
  const delivered: number[] = [];
  const reads: number[] = [];
  const sequencer = new RoomSequencer({
    gapWaitMs: 20,
    pageSize,
    fetchAfter: (after) => {
      reads.push(after);
      return Promise.resolve(
        stored
          .filter((s) => s > after)
          .slice(0, pageSize)
          .map(event),
      );
    },
    deliver: (e) => delivered.push(e.seq),
    onError: (err) => {
      throw err;
    },
  });
  return { sequencer, delivered, reads };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 60));

describe('RoomSequencer', () => {
  it('delivers any arrival order, with repeats, as one increasing run without reading the log', () => {
    const offsets = Array.from({ length: 40 }, (_, i) => i + 1);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(offsets, { minLength: 40, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 80 }),
        fc.integer({ min: 0, max: 5 }),
        (order, repeats, start) => {
          const { sequencer, delivered, reads } = harness([]);
          sequencer.start(start);
          for (const offset of [...order, ...repeats]) sequencer.offer(event(start + offset));
          expect(delivered).toEqual(offsets.map((o) => start + o));
          expect(reads).toEqual([]);
          sequencer.close();
        },
      ),
    );
  });

  it('holds events that arrive before it starts and drops those already stored', () => {
    const { sequencer, delivered } = harness([]);
    for (const seq of [7, 5, 6, 3, 8]) sequencer.offer(event(seq));
    expect(delivered).toEqual([]);
    sequencer.start(5);
    expect(delivered).toEqual([6, 7, 8]);
    sequencer.close();
  });

  it('reads a lost event from the log after the wait, across pages', async () => {
    const stored = [1, 2, 3, 4, 5, 6, 7, 8];
    const { sequencer, delivered, reads } = harness(stored, 3);
    sequencer.start(0);
    sequencer.offer(event(1));
    sequencer.offer(event(8)); // 2-7 were lost on the way
    expect(delivered).toEqual([1]);
    await settle();
    expect(delivered).toEqual(stored);
    expect(reads).toEqual([1, 4, 7]);
    sequencer.offer(event(5)); // a straggler: already delivered
    sequencer.offer(event(9));
    expect(delivered).toEqual([...stored, 9]);
    sequencer.close();
  });

  it('skips a seq that the log does not hold', async () => {
    const { sequencer, delivered } = harness([1, 3, 4]);
    sequencer.start(0);
    for (const seq of [1, 3, 4]) sequencer.offer(event(seq));
    await settle();
    expect(delivered).toEqual([1, 3, 4]);
    sequencer.close();
  });

  it('retries a failed read and delivers nothing after close', async () => {
    let fail = true;
    const delivered: number[] = [];
    const errors: unknown[] = [];
    const sequencer = new RoomSequencer({
      gapWaitMs: 10,
      pageSize: 10,
      fetchAfter: (after) =>
        fail
          ? Promise.reject(new Error('db down'))
          : Promise.resolve([2, 3].filter((s) => s > after).map(event)),
      deliver: (e) => delivered.push(e.seq),
      onError: (err) => errors.push(err),
    });
    sequencer.start(1);
    sequencer.offer(event(3));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(errors.length).toBeGreaterThan(0);
    fail = false;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(delivered).toEqual([2, 3]);
    sequencer.close();
    sequencer.offer(event(4));
    expect(delivered).toEqual([2, 3]);
  });
});
