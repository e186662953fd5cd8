import { parseRetryAfter } from './ds-api.client';

describe('parseRetryAfter', () => {
  const now = new Date('2021-03-01T09:00:00Z');

  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Mon, 01 Mar 2021 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 01 Mar 2021 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
