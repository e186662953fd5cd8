import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { OutboxEntry } from '../mail/outbox.repository';
import { StoredAlert } from './alert';
import { ALERT_COLUMNS, ALERT_SHEET_NAME, AlertWorkbookRow, dossierNumber, writeAlertWorkbook } from './alert.workbook';

function storedAlert(overrides: Partial<StoredAlert> = {}): StoredAlert {
  return {
    id: '1',
    dsKey: '1234-4518237',
    alertType: 'closedWithSupOneYear',
    message: 'Dossier accepté avec une APT de plus de 12 mois',
    url: 'https://www.demarches-simplifiees.fr/procedures/1234/dossiers/4518237',
    group: { id: '75', type: 'autorisation', label: 'Paris' },
    state: 'closed',
    instructorsHistory: ['agent@dreets.gouv.fr'],
    emailUsager: 'demandeur@example.com',
    emailInstructors: [],
    dateDebutApt: '2020-09-21',
    // 23:30 UTC on 21 June is 22 June in Paris (summer time).
    processedAt: new Date('2019-06-21T23:30:00Z'),
    detectedAt: new Date('2019-06-22T08:00:00Z'),
    resolvedAt: null,
    ...overrides,
  };
}

function mailEntry(overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id: 'm1',
    dedupeKey: 'alert:1234-4518237:closedWithSupOneYear',
    kind: 'alert',
    mail: {
      to: ['demandeur@example.com'],
      cc: ['ud75@dreets.gouv.fr', 'autre@dreets.gouv.fr'],
      bcc: [],
      subject: 'Erreur sur votre APT',
      text: 'x',
    },
    state: 'sent',
    attempts: 0,
    nextAttemptAt: null,
    notAfter: null,
    lastError: null,
    messageId: '<id@x>',
    createdAt: new Date('2019-06-22T08:00:00Z'),
    processedAt: new Date('2019-06-23T05:00:00Z'),
    ...overrides,
  };
}

async function write(rows: AlertWorkbookRow[]): Promise<ExcelJS.Worksheet> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => output.on('end', resolve));
  const batches: AsyncIterable<AlertWorkbookRow[]> = {
    [Symbol.asyncIterator]: () => {
      let done = false;
      return {
        next: () => {
          const result = done ? { done: true as const, value: undefined } : { done: false as const, value: rows };
          done = true;
          return Promise.resolve(result);
        },
      };
    },
  };
  await writeAlertWorkbook(batches, output, new Date('2020-01-01T00:00:00Z'));
  await ended;
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ExcelJS.Buffer);
  const sheet = workbook.getWorksheet(ALERT_SHEET_NAME);
  if (!sheet) throw new Error('no sheet');
  return sheet;
}

const column = (header: string) => ALERT_COLUMNS.findIndex((c) => c.header === header) + 1;

describe('alert workbook', () => {
  it('freezes and filters the header, and prints A4 landscape one page wide with the header on every page', async () => {
    const sheet = await write([{ alert: storedAlert(), mail: null }]);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe(`A1:N1`);
    expect(sheet.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
    });
    expect(sheet.getRow(1).values).toEqual([undefined, ...ALERT_COLUMNS.map((c) => c.header)]);
    expect(sheet.getColumn(column('Alerte')).width).toBe(34);
    expect(sheet.getColumn(column('Alerte')).alignment).toMatchObject({ wrapText: true });
  });

  it('writes numbers, Paris days as date cells, French states and the link as a hyperlink', async () => {
    const sheet = await write([{ alert: storedAlert(), mail: mailEntry() }]);
    const row = sheet.getRow(2);
    expect(row.getCell(column('N° dossier')).value).toBe(4518237);
    const decided = row.getCell(column('Date de décision'));
    expect(decided.type).toBe(ExcelJS.ValueType.Date);
    expect(decided.value).toEqual(new Date(Date.UTC(2019, 5, 22)));
    expect(decided.numFmt).toBe('dd/mm/yyyy');
    expect(row.getCell(column('État du dossier')).value).toBe('Accepté');
    expect(row.getCell(column('Lien démarches-simplifiées')).value).toEqual({
      text: 'Ouvrir le dossier',
      hyperlink: 'https://www.demarches-simplifiees.fr/procedures/1234/dossiers/4518237',
    });
    expect(row.getCell(column('Courriel - destinataires')).value).toBe('demandeur@example.com');
    expect(row.getCell(column('Courriel - copie')).value).toBe('ud75@dreets.gouv.fr, autre@dreets.gouv.fr');
    expect(row.getCell(column('Courriel - état')).value).toBe('Envoyé');
    expect(row.getCell(column('Courriel - date')).value).toEqual(new Date(Date.UTC(2019, 5, 23)));
    expect(row.getCell(column('Résolue le')).value).toBeNull();
  });

  it('styles every body cell as its column, the link alone underlined, the header alone bold', async () => {
    const sheet = await write([
      { alert: storedAlert(), mail: mailEntry() },
      { alert: storedAlert({ dsKey: '1234-4518238', url: 'javascript:alert(1)' }), mail: null },
    ]);
    for (const number of [2, 3]) {
      const row = sheet.getRow(number);
      expect(row.getCell(column('Alerte')).alignment).toEqual({ vertical: 'top', wrapText: true });
      expect(row.getCell(column('Unité')).alignment).toEqual({ vertical: 'top' });
      expect(row.getCell(column('Détectée le')).numFmt).toBe('dd/mm/yyyy');
      expect(row.getCell(column('N° dossier')).font?.bold).toBeFalsy();
    }
    expect(sheet.getRow(2).getCell(column('Lien démarches-simplifiées')).font).toMatchObject({ underline: true });
    // Not a web link, so plain text: not dressed as one.
    expect(sheet.getRow(3).getCell(column('Lien démarches-simplifiées')).font?.underline).toBeFalsy();
    expect(sheet.getRow(2).getCell(column('Unité')).font?.underline).toBeFalsy();
    expect(sheet.getRow(1).getCell(1).font).toMatchObject({ bold: true });
  });

  it('says a mail waiting to be sent in French, with no date yet', async () => {
    const sheet = await write([{ alert: storedAlert(), mail: mailEntry({ state: 'to_send', processedAt: null }) }]);
    expect(sheet.getRow(2).getCell(column('Courriel - état')).value).toBe('À envoyer');
    expect(sheet.getRow(2).getCell(column('Courriel - date')).value).toBeNull();
  });

  it('never lets a spreadsheet read applicant text as a formula, nor a non-web link as a hyperlink', async () => {
    const sheet = await write([
      {
        alert: storedAlert({
          group: { id: '75', type: 'autorisation', label: '=HYPERLINK("http://evil")' },
          instructorsHistory: ['+33 1 23'],
          url: 'javascript:alert(1)',
        }),
        mail: null,
      },
    ]);
    const row = sheet.getRow(2);
    expect(row.getCell(column('Unité')).value).toBe('\'=HYPERLINK("http://evil")');
    expect(row.getCell(column('Unité')).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(column('Instructeurs')).value).toBe("'+33 1 23");
    expect(row.getCell(column('Lien démarches-simplifiées')).value).toBe('javascript:alert(1)');
  });

  it('reads the dossier number from the key, and only from a well-formed one', () => {
    expect(dossierNumber('1234-4518237')).toBe(4518237);
    expect(dossierNumber('1234-')).toBeNull();
    expect(dossierNumber('abc')).toBeNull();
  });
});
