import { readFileSync } from 'node:fs';
import { Sizes } from './options';

/** Descriptors that this process and the server need beyond the sockets themselves. */
const SPARE = 1024;

/** The soft open-file limit of this process (children inherit it), from /proc/self/limits. */
export function openFileLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\S+)/m.exec(limits);
  return !match || match[1] === 'unlimited' ? Infinity : Number(match[1]);
}

/**
 * Each socket costs a descriptor in this process and one in the server. bench/run.sh raises `ulimit -n`
 * to the hard limit; if that is still too low, fewer sockets are used and the report says so.
 */
export function checkFileLimit(sizes: Sizes): void {
  const limit = openFileLimit();
  for (const key of ['idleSockets', 'fanoutClients'] as const) {
    if (sizes[key] + SPARE <= limit) continue;
    const lowered = Math.max(1, limit - SPARE);
    console.warn(
      `WARNING: ulimit -n is ${limit}; ${key} lowered from ${sizes[key]} to ${lowered}. ` +
        `Raise it with: ulimit -n ${sizes[key] + SPARE}`,
    );
    sizes[key] = lowered;
  }
}
