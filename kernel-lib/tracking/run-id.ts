import { randomBytes } from 'node:crypto';

let lastMs = 0;

/**
 * A run id that sorts by creation time as plain text: `20261121-115012-345-1a2b3c4d`
 * (UTC date, time, milliseconds, 32 random bits). The random part keeps ids unique when
 * several processes record in the same millisecond; within one process, ids made without an
 * explicit time are strictly increasing (a second id in the same millisecond takes the next one).
 */
export function newRunId(now?: Date): string {
  let ms = now ? now.getTime() : Date.now();
  if (!now) {
    ms = Math.max(ms, lastMs + 1);
    lastMs = ms;
  }
  const iso = new Date(ms).toISOString(); // 2026-11-21T11:50:12.345Z
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}`;
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

export const RUN_ID_PATTERN = /^\d{8}-\d{6}-\d{3}-[0-9a-f]{8}$/;

export function isRunId(s: string): boolean {
  return RUN_ID_PATTERN.test(s);
}
