import QRCode from 'qrcode';

/**
 * QR images of code payloads. Level M restores up to 15% of damaged modules (a scuffed or
 * dirty poster), and the 4-module quiet zone is the minimum the QR standard sets for readers
 * to find the symbol.
 */
export const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;
/** PNG pixels per module: a version-4 code (33 modules + quiet zone) is 492 px wide. */
const PNG_SCALE = 12;

export function qrSvg(payload: string): Promise<string> {
  return QRCode.toString(payload, { ...QR_OPTIONS, type: 'svg' });
}

/** The symbol's modules, for drawing it as vectors (the poster). */
export function qrModules(payload: string): {
  size: number;
  dark(row: number, col: number): boolean;
} {
  const { modules } = QRCode.create(payload, {
    errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel,
  });
  return { size: modules.size, dark: (row, col) => Boolean(modules.get(row, col)) };
}

export function qrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { ...QR_OPTIONS, type: 'png', scale: PNG_SCALE });
}

/**
 * Rendered files by what determines them (a PNG by its payload: a payload names one code
 * version, whose image never changes). Bounded, least recently used out first; the promise is
 * kept so that concurrent requests for one new file render it once.
 */
export class RenderCache {
  private readonly entries = new Map<string, Promise<Buffer>>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, render: () => Promise<Buffer>): Promise<Buffer> {
    const cached = this.entries.get(key);
    if (cached) {
      // a Map keeps insertion order: re-inserting marks the entry as the most recently used
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const rendering = render();
    rendering.catch(() => {
      if (this.entries.get(key) === rendering) this.entries.delete(key);
    });
    this.entries.set(key, rendering);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return rendering;
  }
}
