import { inflateSync } from 'node:zlib';

/**
 * Just enough of a PDF reader to check what pdfkit wrote, without poppler: the pages with their
 * MediaBox, the text each page shows (decoded through the fonts' ToUnicode maps, since embedded
 * fonts write glyph ids, not letters) and the filled rectangles each page draws.
 */
export interface PdfPage {
  mediaBox: number[];
  text: string;
  rects: { x: number; y: number; width: number; height: number }[];
}

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

export function readPdf(file: Buffer): { header: string; pageCount: number; pages: PdfPage[] } {
  const objects = readObjects(file);
  const glyphMaps = new Map<string, Map<number, string>>();
  for (const [, object] of objects) {
    const fonts = /\/Font\s*<<([^>]*)>>/.exec(object.dict)?.[1];
    for (const [, name, ref] of fonts?.matchAll(/\/(\w+)\s+(\d+)\s+0\s+R/g) ?? []) {
      const cmapRef = /\/ToUnicode\s+(\d+)\s+0\s+R/.exec(objects.get(Number(ref))?.dict ?? '')?.[1];
      const cmap = cmapRef && objects.get(Number(cmapRef))?.stream;
      if (cmap) glyphMaps.set(name, parseToUnicode(cmap.toString('latin1')));
    }
  }
  const pagesRoot = [...objects.values()].find((o) => /\/Type\s*\/Pages\b/.test(o.dict))!;
  const kids = [.../\/Kids\s*\[([^\]]*)\]/.exec(pagesRoot.dict)![1].matchAll(/(\d+)\s+0\s+R/g)];
  const pages = kids.map(([, ref]) => {
    const page = objects.get(Number(ref))!;
    const mediaBox = /\/MediaBox\s*\[([^\]]*)\]/
      .exec(page.dict)![1]
      .trim()
      .split(/\s+/)
      .map(Number);
    const contents = objects.get(Number(/\/Contents\s+(\d+)\s+0\s+R/.exec(page.dict)![1]))!;
    return { mediaBox, ...readContent(contents.stream!.toString('latin1'), glyphMaps) };
  });
  return {
    header: file.subarray(0, 8).toString('latin1'),
    pageCount: Number(/\/Count\s+(\d+)/.exec(pagesRoot.dict)![1]),
    pages,
  };
}

function readObjects(file: Buffer): Map<number, PdfObject> {
  const text = file.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const start = /(\d+) 0 obj\s*/g;
  let match: RegExpExecArray | null;
  while ((match = start.exec(text))) {
    const bodyStart = start.lastIndex;
    const streamAt = text.indexOf('stream\n', bodyStart);
    const end = text.indexOf('endobj', bodyStart);
    if (streamAt !== -1 && streamAt < end) {
      const dict = text.slice(bodyStart, streamAt);
      const length = Number(/\/Length\s+(\d+)/.exec(dict)![1]);
      const raw = file.subarray(streamAt + 7, streamAt + 7 + length);
      const stream = /\/FlateDecode/.test(dict) ? inflateSync(raw) : raw;
      objects.set(Number(match[1]), { dict, stream });
      start.lastIndex = streamAt + 7 + length;
    } else {
      objects.set(Number(match[1]), { dict: text.slice(bodyStart, end) });
      start.lastIndex = end;
    }
  }
  return objects;
}

/** pdfkit writes `<first> <last> [<utf16> <utf16> …]` ranges. */
function parseToUnicode(cmap: string): Map<number, string> {
  const glyphs = new Map<number, string>();
  for (const [, first, list] of cmap.matchAll(/<([0-9a-f]+)>\s*<[0-9a-f]+>\s*\[([^\]]*)\]/gi)) {
    let gid = parseInt(first, 16);
    for (const [, units] of list.matchAll(/<([0-9a-f ]*)>/gi)) {
      const codes = units
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((u) => parseInt(u, 16));
      glyphs.set(gid++, String.fromCharCode(...codes));
    }
  }
  return glyphs;
}

/** Text runs (one line per BT…ET block) and `x y w h re` rectangles of a content stream. */
function readContent(
  content: string,
  glyphMaps: Map<string, Map<number, string>>,
): Pick<PdfPage, 'text' | 'rects'> {
  const lines: string[] = [];
  const rects: PdfPage['rects'] = [];
  let font: Map<number, string> | undefined;
  let line = '';
  const decode = (hex: string) => {
    let out = '';
    for (let i = 0; i + 4 <= hex.length; i += 4)
      out += font?.get(parseInt(hex.slice(i, i + 4), 16)) ?? '\uFFFD';
    return out;
  };
  const token =
    /\/(\w+)\s+[\d.]+\s+Tf|\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\bBT\b|\bET\b|(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+re\b/g;
  for (const m of content.matchAll(token)) {
    if (m[1]) font = glyphMaps.get(m[1]);
    else if (m[2] !== undefined)
      for (const [, hex] of m[2].matchAll(/<([0-9a-fA-F]*)>/g)) line += decode(hex);
    else if (m[3] !== undefined) line += decode(m[3]);
    else if (m[0] === 'BT') line = '';
    else if (m[0] === 'ET') lines.push(line);
    else
      rects.push({ x: Number(m[4]), y: Number(m[5]), width: Number(m[6]), height: Number(m[7]) });
  }
  return { text: lines.join('\n'), rects };
}
