import { useLocaleState } from 'react-admin';
import { LOCAL_TIME_ZONE } from '@quetma/shared';

const LOCALES = { vi: 'vi-VN', en: 'en-GB' } as const;

/**
 * Numbers and dates in the user's language, times always in Asia/Ho_Chi_Minh: a ward officer
 * abroad, or a browser set to UTC, still reads the times the venues' day is counted in.
 */
export function formattersFor(locale: string) {
  const tag = LOCALES[locale as keyof typeof LOCALES] ?? LOCALES.vi;
  const number = new Intl.NumberFormat(tag);
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 });
  const dateTime = new Intl.DateTimeFormat(tag, {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: LOCAL_TIME_ZONE,
  });
  const date = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeZone: 'UTC' });
  const shortDate = new Intl.DateTimeFormat(tag, {
    day: '2-digit',
    month: '2-digit',
    timeZone: 'UTC',
  });
  return {
    tag,
    number: (n: number) => number.format(n),
    percent: (n: number) => percent.format(n),
    /** An instant, shown in Hà Nội time. */
    dateTime: (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : ''),
    /** A local day `YYYY-MM-DD`, which has no time zone of its own. */
    day: (day: string) => date.format(new Date(`${day}T00:00:00Z`)),
    shortDay: (day: string) => shortDate.format(new Date(`${day}T00:00:00Z`)),
  };
}

export type Formatters = ReturnType<typeof formattersFor>;

export function useFormatters(): Formatters {
  const [locale] = useLocaleState();
  return formattersFor(locale);
}
