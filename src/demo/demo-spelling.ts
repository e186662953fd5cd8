/**
 * The spellings DS and SIRENE give names: upper-case ASCII in addresses, slugs in e-mail addresses. Both are cached,
 * since their inputs all come from the finite tables of the vocabulary, so the caches stay small.
 */
function memoize(fn: (text: string) => string): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let out = cache.get(text);
    if (out === undefined) {
      out = fn(text);
      cache.set(text, out);
    }
    return out;
  };
}

export const upperAscii = memoize((text) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’']/g, ' ')
    .toUpperCase(),
);

export const slug = memoize((text) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, ''),
);
