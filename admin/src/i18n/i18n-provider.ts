import polyglotI18nProvider from 'ra-i18n-polyglot';
import englishMessages from 'ra-language-english';
import en from './en';
import raVietnamese from './ra-vietnamese';
import vi from './vi';

export type Locale = 'vi' | 'en';
/** Where react-admin's store keeps the chosen language (its localStorage store, key `locale`). */
const LOCALE_KEY = 'RaStore.locale';

/** react-admin's sign-in form asks for a "username": quetma's accounts sign in with their email. */
const withEmailLogin = <T extends typeof englishMessages>(ra: T, email: string): T => ({
  ...ra,
  ra: { ...ra.ra, auth: { ...ra.ra.auth, username: email } },
});

const messages = {
  vi: { ...withEmailLogin(raVietnamese, 'Email'), ...vi },
  en: { ...withEmailLogin(englishMessages, 'Email'), ...en },
};

/** The language chosen before, else Vietnamese: the console is for Vietnamese officers first. */
export function initialLocale(): Locale {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(LOCALE_KEY) : null;
  return stored === '"en"' ? 'en' : 'vi';
}

export const i18nProvider = polyglotI18nProvider(
  (locale) => messages[locale as Locale] ?? messages.vi,
  initialLocale(),
  [
    { locale: 'vi', name: 'Tiếng Việt' },
    { locale: 'en', name: 'English' },
  ],
  // a missing key shows as itself: the e2e tests look for them, so none goes unnoticed
  { allowMissing: false },
);
