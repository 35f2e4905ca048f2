import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/**
 * Reads QR codes back the way a phone would: from pixels, with jsQR. The SVG and the poster's
 * vector rectangles are first drawn into pixels here, so what is decoded is the drawing itself.
 */
export function decodeQrPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

/** qrcode's SVG: a viewBox in modules and one stroked path of `M x y`, `m dx dy`, `h n` runs. */
export function decodeQrSvg(svg: string): string | undefined {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
  const path = /<path[^>]*stroke="#000000"[^>]*d="([^"]*)"/.exec(svg)![1];
  const dark = grid(size);
  let x = 0;
  let y = 0;
  for (const [, command, a, b] of path.matchAll(/([Mmh])(-?[\d.]+)(?:\s+(-?[\d.]+))?/g)) {
    if (command === 'M') [x, y] = [Number(a), Number(b)];
    else if (command === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else {
      for (let col = x; col < x + Number(a); col++) dark[Math.floor(y)][col] = true;
      x += Number(a);
    }
  }
  return decodeGrid(dark);
}

/** Filled rectangles aligned on a module grid (the poster's code), with a 4-module quiet zone added. */
export function decodeQrRects(rects: { x: number; y: number; width: number; height: number }[]): {
  data: string | undefined;
  side: number;
} {
  const module = Math.min(...rects.map((r) => r.height));
  const left = Math.min(...rects.map((r) => r.x));
  const top = Math.min(...rects.map((r) => r.y));
  const side = Math.max(...rects.map((r) => r.x + r.width)) - left;
  const modules = Math.round(side / module);
  const dark = grid(modules + 8);
  for (const r of rects) {
    const row = Math.round((r.y - top) / module) + 4;
    const first = Math.round((r.x - left) / module) + 4;
    for (let col = first; col < first + Math.round(r.width / module); col++) dark[row][col] = true;
  }
  return { data: decodeGrid(dark), side };
}

function grid(size: number): boolean[][] {
  return Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
}

/** Draws modules at 6 px each, black on white, and decodes the picture. */
function decodeGrid(dark: boolean[][]): string | undefined {
  const scale = 6;
  const width = dark.length * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < width; x++) {
      if (!dark[Math.floor(y / scale)][Math.floor(x / scale)]) continue;
      const at = (y * width + x) * 4;
      pixels[at] = pixels[at + 1] = pixels[at + 2] = 0;
    }
  }
  return jsQR(pixels, width, width)?.data;
}
