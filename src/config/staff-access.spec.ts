import { parseStaffAccess, roleOf } from './staff-access';

describe('staff access', () => {
  const { access, problems } = parseStaffAccess(`
    # Paris and its suburbs
    alice.martin@dreets.gouv.fr: 75, 92
    dreets-hdf.gouv.fr: 59, 62, 2a
    Bob@Travail.gouv.fr: admin;  carol@dreets-hdf.gouv.fr: 59
  `);

  it('parses addresses, domains and the admin role', () => {
    expect(problems).toEqual([]);
    expect(roleOf(access, 'alice.martin@dreets.gouv.fr')).toEqual({ kind: 'units', units: ['75', '92'] });
    expect(roleOf(access, 'BOB@travail.gouv.fr')).toEqual({ kind: 'admin' });
  });

  it('gives an address its domain role, the closest parent domain too, and its own entry first', () => {
    expect(roleOf(access, 'someone@dreets-hdf.gouv.fr')).toEqual({ kind: 'units', units: ['59', '62', '2A'] });
    expect(roleOf(access, 'someone@lille.dreets-hdf.gouv.fr')).toEqual({ kind: 'units', units: ['59', '62', '2A'] });
    expect(roleOf(access, 'carol@dreets-hdf.gouv.fr')).toEqual({ kind: 'units', units: ['59'] });
  });

  it('refuses everyone else, and what is not an address', () => {
    expect(roleOf(access, 'alice.martin@dreets.gouv.fr.evil.com')).toBeNull();
    expect(roleOf(access, 'x@gouv.fr')).toBeNull();
    expect(roleOf(access, 'dreets-hdf.gouv.fr')).toBeNull();
    expect(roleOf(access, '')).toBeNull();
  });

  it('names each faulty entry by its position, never by its address', () => {
    const parsed = parseStaffAccess('alice@x.fr 75; bob@y.fr: admin, 75; not a domain: 75; eve@z.fr: 7 5');
    expect(parsed.problems).toHaveLength(4);
    expect(parsed.problems[0]).toMatch(/^entry 1:/);
    expect(parsed.problems.join('\n')).not.toMatch(/alice|bob|eve/);
  });
});
