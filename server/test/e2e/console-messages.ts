import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const I18N = path.resolve(__dirname, '..', '..', '..', 'admin', 'src', 'i18n');
const ADMIN = path.resolve(I18N, '..', '..');

/**
 * The console's messages as the browser gets them, read from its sources: the tests compare the
 * page's text with them to find a string left in the other language. The files are ES modules
 * of the admin package; they are transpiled here with TypeScript and given their two imports.
 */
function load(file: string): any {
  const source = fs.readFileSync(path.join(I18N, file), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  const module = { exports: {} as any };
  const requireHere = (name: string) => {
    if (name.startsWith('./')) return load(`${name.slice(2)}.ts`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve(name, { paths: [ADMIN, __dirname] }));
  };
  new Function('exports', 'require', 'module', outputText)(module.exports, requireHere, module);
  return module.exports;
}

function leaves(messages: any, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages ?? {})) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(at, value);
    else for (const [k, v] of leaves(value, at)) out.set(k, v);
  }
  return out;
}

export interface ConsoleMessages {
  vi: Map<string, string>;
  en: Map<string, string>;
}

export function consoleMessages(): ConsoleMessages {
  const raEnglish = requireRaEnglish();
  return {
    vi: leaves({ ...load('ra-vietnamese.ts').default, ...load('vi.ts').default }),
    en: leaves({ ...raEnglish, ...load('en.ts').default }),
  };
}

function requireRaEnglish() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = require(require.resolve('ra-language-english', { paths: [ADMIN] }));
  return m.default ?? m;
}

/**
 * The sentences of one language that a page in the other must not show: every message that the
 * two languages word differently, cut at its placeholders, the pieces long enough to be words.
 */
export function foreignSentences(messages: ConsoleMessages, pageLanguage: 'vi' | 'en'): string[] {
  const own = messages[pageLanguage];
  const other = messages[pageLanguage === 'vi' ? 'en' : 'vi'];
  const pieces = new Set<string>();
  for (const [key, text] of other) {
    if (own.get(key) === text) continue;
    for (const form of text.split('||||'))
      for (const piece of form.split(/%\{[^}]+\}/))
        if (/\p{L}{3}/u.test(piece) && piece.trim().length >= 5) pieces.add(piece.trim());
  }
  // a piece that is also a message of the page's own language is not foreign there
  for (const text of own.values()) pieces.delete(text.trim());
  return [...pieces];
}

/** A translation key shown as it is: polyglot shows the key of a message nobody wrote. */
export const MISSING_KEY = /\b(?:ra|quetma|resources)\.[a-zA-Z_]+\.[a-zA-Z_.]+/;
