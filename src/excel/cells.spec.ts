import { calendarDayCell, linkCell, parisDateCell, safeCell, safeText } from './cells';

describe('safeText', () => {
  it('prefixes with an apostrophe whatever a spreadsheet could take for a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      expect(safeText(`${start}SUM(A1)`)).toBe(`'${start}SUM(A1)`);
    }
    expect(safeText('=HYPERLINK("http://evil","clic")')).toBe('\'=HYPERLINK("http://evil","clic")');
  });

  it('leaves ordinary text alone, including signs further in', () => {
    expect(safeText('Paris')).toBe('Paris');
    expect(safeText('a=b')).toBe('a=b');
    expect(safeText(' =1')).toBe(' =1');
    expect(safeText('')).toBe('');
    expect(safeCell(null)).toBeNull();
    expect(safeCell('')).toBeNull();
    expect(safeCell('-1')).toBe("'-1");
  });
});

describe('date cells', () => {
  it('write the Paris day of an instant as midnight UTC of that day', () => {
    expect(parisDateCell(new Date('2019-06-21T22:30:00Z'))).toEqual(new Date('2019-06-22T00:00:00Z'));
    expect(parisDateCell(new Date('2019-12-31T22:59:00Z'))).toEqual(new Date('2019-12-31T00:00:00Z'));
    expect(parisDateCell(null)).toBeNull();
  });

  it('take calendar days only', () => {
    expect(calendarDayCell('2020-09-21')).toEqual(new Date('2020-09-21T00:00:00Z'));
    expect(calendarDayCell('21/09/2020')).toBeNull();
    expect(calendarDayCell(null)).toBeNull();
  });
});

describe('linkCell', () => {
  it('links web addresses only', () => {
    expect(linkCell('https://ds.fr/d/1', 'Ouvrir')).toEqual({ text: 'Ouvrir', hyperlink: 'https://ds.fr/d/1' });
    expect(linkCell('javascript:alert(1)')).toBe('javascript:alert(1)');
    expect(linkCell('=cmd|x')).toBe("'=cmd|x");
    expect(linkCell(null)).toBeNull();
  });
});
