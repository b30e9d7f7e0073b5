import { TokenBucket, TypingThrottle } from './socket-limits';

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then refills at its rate', () => {
    let now = 0;
    const bucket = new TokenBucket(50, 50, () => now);
    const burst = Array.from({ length: 60 }, () => bucket.take());
    expect(burst.filter(Boolean)).toHaveLength(50);
    now += 100; // 5 tokens
    expect(Array.from({ length: 6 }, () => bucket.take()).filter(Boolean)).toHaveLength(5);
    now += 10_000;
    expect(Array.from({ length: 60 }, () => bucket.take()).filter(Boolean)).toHaveLength(50);
  });
});

describe('TypingThrottle', () => {
  it('lets a change through at once and a repeat once per interval, per room', () => {
    let now = 0;
    const throttle = new TypingThrottle(2000, () => now);
    expect(throttle.allow('r1', true)).toBe(true);
    expect(throttle.allow('r1', true)).toBe(false);
    expect(throttle.allow('r2', true)).toBe(true);
    expect(throttle.allow('r1', false)).toBe(true);
    expect(throttle.allow('r1', true)).toBe(true);
    now = 1999;
    expect(throttle.allow('r1', true)).toBe(false);
    now = 2000;
    expect(throttle.allow('r1', true)).toBe(true);
    throttle.forget('r1');
    expect(throttle.allow('r1', true)).toBe(true);
  });
});
