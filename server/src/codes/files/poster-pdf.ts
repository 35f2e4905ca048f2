import path from 'node:path';
import PDFDocument from 'pdfkit';
import { localDayOf } from '@quetma/shared';
import { qrModules, QR_OPTIONS } from './qr-images';

/** What one poster prints. */
export interface PosterContent {
  venueId: string;
  name: string;
  address: string;
  ward: string;
  district: string;
  city: string;
  payload: string;
  version: number;
  issuedAt: Date;
}

const MM = 72 / 25.4;
/** A4 in points, as pdfkit's 'A4' size writes it into MediaBox. */
export const A4 = { width: 595.28, height: 841.89 };
/** Most office printers cannot print the outer 5 mm; 15 mm leaves room for a scaled print too. */
export const PRINT_MARGIN = 15 * MM;
/**
 * The code's side, without its quiet zone: Hà Nội required printed venue codes of at least
 * 15 cm, so that a phone reads them at arm's length. The code takes what the text leaves, up to
 * 16 cm (its quiet zone then still fits across the page).
 */
export const MIN_CODE_SIDE = 150 * MM;
const MAX_CODE_SIDE = 160 * MM;

/** DejaVu Sans has every Vietnamese letter with its stacked diacritics (ắ, ổ, ự, …). */
const fontFile = (name: string) =>
  path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', name);
const REGULAR = fontFile('DejaVuSans.ttf');
const BOLD = fontFile('DejaVuSans-Bold.ttf');

const INK = '#000000';
const ACCENT = '#b3261e';
const MUTED = '#555555';

const HEADING_VI = 'QUÉT MÃ QR KHI RA VÀO';
const HEADING_EN = 'Scan this QR code when you enter and leave';
const INSTRUCTIONS_VI =
  'Khi vào và khi ra, hãy quét mã này bằng ứng dụng khai báo y tế trên điện thoại. ' +
  'Quét mã giúp kiểm soát người ra vào địa điểm, phục vụ truy vết nhanh, khoanh vùng hẹp, ' +
  'phòng chống dịch COVID-19.';
const INSTRUCTIONS_EN =
  'When you enter and when you leave, scan this code with your health declaration app. ' +
  'It records who comes and goes, so that COVID-19 cases can be traced fast and outbreaks ' +
  'contained to a narrow area.';

/**
 * A document for posters, one A4 page each; the page margins are ours (see PRINT_MARGIN), so
 * pdfkit's own are zero and never push text onto a page of its own.
 */
export function posterDocument(title: string): PDFKit.PDFDocument {
  return new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    font: REGULAR,
    info: { Title: title, Creator: 'quetma', Producer: 'quetma' },
    lang: 'vi',
  });
}

/** Adds one poster page to the document. */
export function addPosterPage(doc: PDFKit.PDFDocument, poster: PosterContent): void {
  doc.addPage({ size: 'A4', margin: 0 });
  const left = PRINT_MARGIN;
  const width = A4.width - 2 * PRINT_MARGIN;
  const bottom = A4.height - PRINT_MARGIN;

  // top: what to do, then where this is
  let y = PRINT_MARGIN;
  y = text(doc, HEADING_VI, y, { font: BOLD, size: 22, color: ACCENT, lines: 1 });
  y = text(doc, HEADING_EN, y + 2, { font: REGULAR, size: 12, color: ACCENT, lines: 1 });
  y += 6;
  doc
    .moveTo(left, y)
    .lineTo(left + width, y)
    .lineWidth(0.8)
    .strokeColor(ACCENT)
    .stroke();
  y += 6;
  y = text(doc, poster.name, y, { font: BOLD, size: 18, color: INK, lines: 2 });
  y = text(doc, poster.address, y + 2, { font: REGULAR, size: 10.5, color: INK, lines: 2 });
  y = text(doc, `${poster.ward}, ${poster.district}, ${poster.city}`, y + 1, {
    font: REGULAR,
    size: 10.5,
    color: INK,
    lines: 1,
  });
  const textTop = y;

  // bottom, laid upwards from the margin: the instructions and the code's identity
  const footer = `Mã địa điểm · Venue code ${poster.venueId} · phiên bản / version ${poster.version} · cấp ngày / issued ${localDayOf(poster.issuedAt)}`;
  const footerHeight = measure(doc, footer, { font: REGULAR, size: 7, lines: 1 });
  const enHeight = measure(doc, INSTRUCTIONS_EN, { font: REGULAR, size: 9, lines: 3 });
  const viHeight = measure(doc, INSTRUCTIONS_VI, { font: BOLD, size: 10, lines: 3 });
  const textBottom = bottom - footerHeight - 6 - enHeight - 3 - viHeight;
  let below = textBottom;
  below = text(doc, INSTRUCTIONS_VI, below, { font: BOLD, size: 10, color: INK, lines: 3 });
  below = text(doc, INSTRUCTIONS_EN, below + 3, { font: REGULAR, size: 9, color: INK, lines: 3 });
  text(doc, footer, below + 6, { font: REGULAR, size: 7, color: MUTED, lines: 1 });

  // the code, centred in the space between, its quiet zone clear of any text
  const modules = qrModules(poster.payload);
  const space = textBottom - textTop;
  const side = Math.min(MAX_CODE_SIDE, space / (1 + (2 * QR_OPTIONS.margin) / modules.size));
  // text is capped in lines so that this cannot happen; a poster with a smaller code is wrong
  if (side < MIN_CODE_SIDE) {
    throw new Error(`poster layout leaves ${(side / MM).toFixed(1)} mm for the code`);
  }
  drawModules(
    doc,
    modules,
    (A4.width - side) / 2,
    textTop + (space - side) / 2,
    side / modules.size,
  );
}

/** One rectangle per horizontal run of dark modules, filled as one path. */
function drawModules(
  doc: PDFKit.PDFDocument,
  modules: ReturnType<typeof qrModules>,
  x0: number,
  y0: number,
  module: number,
): void {
  for (let row = 0; row < modules.size; row++) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.dark(row, col)) col++;
      doc.rect(x0 + start * module, y0 + row * module, (col - start) * module, module);
    }
  }
  doc.fillColor(INK).fill();
}

interface TextStyle {
  font: string;
  size: number;
  /** At most this many lines; longer text ends in an ellipsis. */
  lines: number;
}

const LINE_GAP = 1;

function textOptions(doc: PDFKit.PDFDocument, style: TextStyle): PDFKit.Mixins.TextOptions {
  doc.font(style.font).fontSize(style.size);
  return {
    width: A4.width - 2 * PRINT_MARGIN,
    align: 'center',
    lineGap: LINE_GAP,
    height: style.lines * (doc.currentLineHeight(true) + LINE_GAP),
    ellipsis: true,
  };
}

function measure(doc: PDFKit.PDFDocument, value: string, style: TextStyle): number {
  const options = textOptions(doc, style);
  return Math.min(doc.heightOfString(value, options), options.height!);
}

/** Writes centred text at `y`; returns where the next block starts. */
function text(
  doc: PDFKit.PDFDocument,
  value: string,
  y: number,
  style: TextStyle & { color: string },
): number {
  const height = measure(doc, value, style);
  const options = textOptions(doc, style);
  doc.fillColor(style.color).text(value, PRINT_MARGIN, y, options);
  return y + height;
}

/** Renders a document to one buffer (single posters are small). */
export function pdfBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
