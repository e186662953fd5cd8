/**
 * The HTML every mail of the service is laid out with: nested tables and inline styles, the one dialect Outlook's
 * Word engine and webmails all render, one 600 px column that shrinks to the screen, and a media query that turns
 * tables marked `stack` into one column under 480 px (phones). Every value that comes from data goes through
 * `escapeHtml`, numbers included, so the rule never needs thinking about.
 */

import { escapeHtml } from '../common/html';

export { escapeHtml };

export const FONT = 'font-family:Arial,Helvetica,sans-serif;';
// Repeated on every cell: Outlook does not inherit fonts from an enclosing table.
export const CELL = `${FONT}padding:6px 6px;border-bottom:1px solid #e5e5e5;font-size:14px;color:#1e1e1e;`;
export const HEAD = `${CELL}background-color:#f0f0f5;font-weight:bold;`;
export const MUTED = 'color:#666666;';
export const BLUE = '#000091';

/**
 * Under 480 px: tables marked `stack` become one column (each cell on its own line), `sm` labels (hidden inline
 * everywhere else, also from Outlook) appear in front of the values they name, and the padding narrows.
 */
const PHONE_STYLE =
  '<style>' +
  '@media only screen and (max-width:480px){' +
  '.outer{padding:0!important}' +
  '.pad{padding-left:12px!important;padding-right:12px!important}' +
  'table.stack,table.stack tbody,table.stack tr,table.stack td,table.stack th{display:block!important;' +
  'width:100%!important;box-sizing:border-box;text-align:left!important}' +
  'table.stack tr.head{display:none!important}' +
  'table.stack td{border-bottom:0!important;padding:2px 6px!important}' +
  'table.stack tr{border-bottom:1px solid #e5e5e5;padding:6px 0}' +
  '.sm{display:inline!important;max-height:none!important;overflow:visible!important}' +
  'img.fluid{width:100%!important;height:auto!important}' +
  '}' +
  '</style>';

/** A label shown only in the one-column phone layout, in front of a value. */
export function phoneLabel(label: string): string {
  return (
    `<span class="sm" style="display:none;mso-hide:all;max-height:0;overflow:hidden;${MUTED}">` +
    `${escapeHtml(label)}&nbsp;: </span>`
  );
}

export function paragraph(text: string, style = ''): string {
  return (
    `<p style="${FONT}font-size:15px;line-height:22px;color:#1e1e1e;margin:0 0 12px;${style}">` +
    `${escapeHtml(text)}</p>`
  );
}

export function heading(text: string, level: 1 | 2 = 2): string {
  const size = level === 1 ? 22 : 18;
  return `<h${level} style="${FONT}font-size:${size}px;line-height:1.3;color:${BLUE};margin:0 0 12px;">${escapeHtml(text)}</h${level}>`;
}

/** One section of the column. */
export function section(html: string): string {
  return `<tr><td class="pad" style="padding:0 24px 20px;">${html}</td></tr>\n`;
}

/** The whole document: `sections` are rows of the 600 px column. */
export function mailDocument(title: string, sections: string[]): string {
  return (
    '<!DOCTYPE html>' +
    '<html lang="fr"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title>${PHONE_STYLE}</head>` +
    '<body style="margin:0;padding:0;background-color:#f4f5f7;">' +
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" ' +
    'style="background-color:#f4f5f7;">' +
    '<tr><td class="outer" align="center" style="padding:24px 12px;">' +
    '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" ' +
    'style="width:100%;max-width:600px;background-color:#ffffff;">' +
    '<tr><td style="height:24px;line-height:24px;font-size:0;">&nbsp;</td></tr>' +
    sections.join('') +
    '</table></td></tr></table></body></html>'
  );
}

/** A data table; `stack` makes it one column on phones. */
export function dataTable(headerCells: string, rows: string[], stack: boolean): string {
  return (
    `<table role="presentation"${stack ? ' class="stack"' : ''} width="100%" cellpadding="0" cellspacing="0" ` +
    `border="0" style="${FONT}border-collapse:collapse;">` +
    `<tr class="head">${headerCells}</tr>` +
    rows.join('') +
    '</table>'
  );
}

export function th(text: string, align: 'left' | 'right' = 'right'): string {
  return `<th align="${align}" style="${HEAD}">${escapeHtml(text)}</th>`;
}

export function td(html: string, align: 'left' | 'right' = 'right', extra = ''): string {
  return `<td align="${align}" style="${CELL}${extra}">${html}</td>`;
}

/** A web link, escaped; anything that is not http(s) is shown as text. */
export function link(url: string, text: string): string {
  if (!/^https?:\/\/[^\s"<>]+$/i.test(url)) return escapeHtml(text);
  return `<a href="${escapeHtml(url)}" style="color:${BLUE};">${escapeHtml(text)}</a>`;
}

/** An image attached inline under `cid`, as wide as the column and no wider than the screen. */
export function inlineImage(cid: string, alt: string, width: number, height: number): string {
  return (
    `<img class="fluid" src="cid:${escapeHtml(cid)}" alt="${escapeHtml(alt)}" width="${width}" height="${height}" ` +
    `style="display:block;width:100%;max-width:${width}px;height:auto;border:0;">`
  );
}
