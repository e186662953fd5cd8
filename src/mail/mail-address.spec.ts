import { isDeliverableAddress } from './mail-address';

describe('isDeliverableAddress', () => {
  it('accepts ordinary addresses, sub-addresses and sub-domains', () => {
    for (const a of ['jean.dupont@example.org', 'a+tag@mail.example.fr', "o'brien@x.example", 'x_y-z@a-b.c.example']) {
      expect(isDeliverableAddress(a)).toBe(true);
    }
  });

  it('refuses what the transport would rewrite or read as several addresses', () => {
    for (const a of [
      '=HYPERLINK("http://x","y")@evil.example',
      'a(comment)@example.org',
      '"quoted"@example.org',
      'a@example.org, b@example.org',
      'Name <a@example.org>',
      'a b@example.org',
      'a@example',
      'a@-example.org',
      'a..b@example.org',
      '.a@example.org',
      'a@example.org\r\nBcc: x@evil.example',
      `${'a'.repeat(250)}@example.org`,
      '',
    ]) {
      expect(isDeliverableAddress(a)).toBe(false);
    }
  });
});
