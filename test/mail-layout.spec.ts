import { Browser } from 'playwright-core';
import { readFileSync } from 'fs';
import { join } from 'path';
import { buildAlertMail } from '../src/alert/alert.mail';
import { buildAlertDigestMail } from '../src/alert-digest/alert-digest.mail';
import { DigestTally } from '../src/alert-digest/alert-digest.rules';
import { buildNationalReportMail, buildUnitReportMail } from '../src/monthly-report/monthly-report.mail';
import { MonthlyReport } from '../src/monthly-report/monthly-report.types';
import { nationalFigures, trendMonths, trendPoints, unitFigures } from '../src/monthly-report/monthly-report.view';
import { storedAlert } from './fixtures/stored-alert';
import { launchChromium, phoneLayout } from './helpers/browser';
import { syntheticUnit } from './helpers/monthly-reports';

const FIXTURES = join(__dirname, 'fixtures/monthly-report');
const loadReport = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as MonthlyReport;
const SEPTEMBER = { year: 2020, month: 9 };
const PHONE = 390;

/**
 * The mails as a phone shows them: Debian's Chromium lays the HTML out 390 CSS pixels wide (an iPhone 12 to 15),
 * and nothing may run off the screen.
 */
describe('mail layout on a phone', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  const fits = async (html: string) => {
    const layout = await phoneLayout(browser, html, PHONE);
    expect(layout.overflowing).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(PHONE);
  };

  it('fits the unit mail', async () => {
    await fits(buildUnitReportMail(unitFigures(loadReport('paris-2020-09.json'))).html);
    await fits(buildUnitReportMail(unitFigures(syntheticUnit(3))).html);
  });

  it('fits the national summary of forty units', async () => {
    const trend = trendPoints(trendMonths(SEPTEMBER), () => ({
      more3Months: 4000,
      less3Months: 1200,
      unknownDuration: 30,
      refused: 400,
      withoutContinuation: 120,
    }));
    const reports = Array.from({ length: 40 }, (_, i) => syntheticUnit(i));
    await fits(buildNationalReportMail(nationalFigures(SEPTEMBER, reports, trend)).html);
  });

  it('fits the applicant alert mails', async () => {
    for (const alertType of [
      'closedWithoutDateDebutOrDateFin',
      'closedWithDebutSupFin',
      'closedWithSupOneYear',
    ] as const) {
      const mail = buildAlertMail({
        alertType,
        dossierId: 123456789,
        groupId: '75',
        dateDebutApt: '2020-09-21',
        dsBaseUrl: 'https://www.demarches-simplifiees.fr',
      });
      await fits(mail!.html);
    }
  });

  it('fits the alert digest', async () => {
    const window = { since: new Date('2021-03-09T06:00:00Z'), until: new Date('2021-03-10T06:00:00Z') };
    const tally = new DigestTally(window);
    for (let i = 0; i < 60; i++) {
      tally.add(
        storedAlert({
          id: String(i),
          dsKey: `14131-${4500000 + i}`,
          alertType: i % 2 ? 'closedWithSupOneYear' : 'receivedAndDelayTooLong',
          url: `https://www.demarches-simplifiees.fr/procedures/14131/dossiers/${4500000 + i}`,
          group: { id: String(i % 5), label: `${i % 5} - Unité départementale`, type: 'autorisation' },
          detectedAt: new Date('2021-03-09T12:00:00Z'),
        }),
      );
    }
    await fits(buildAlertDigestMail(tally.units(), window).html);
  });

  it('would catch a layout that runs off the screen', async () => {
    const layout = await phoneLayout(browser, '<table width="600"><tr><td>x</td></tr></table>', PHONE);
    expect(layout.scrollWidth).toBeGreaterThan(PHONE);
  });
});
