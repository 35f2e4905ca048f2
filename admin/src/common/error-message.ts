import type { TranslateFunction as Translate } from 'react-admin';
import { ApiError } from '../api/graphql-request';

/** A failure in the user's language: the API's code picks the sentence, never its English text. */
export function errorMessage(translate: Translate, error: unknown): string {
  const code =
    error instanceof ApiError
      ? error.code
      : ((error as { body?: { code?: string } })?.body?.code ?? 'NETWORK_ERROR');
  const key = `quetma.errors.${code}`;
  const translated = translate(key, { _: '' });
  return translated || translate('quetma.errors.other', { code });
}

/** A translation key with its arguments, as react-admin's forms show a field's error. */
export interface FieldError {
  message: string;
  args: Record<string, string>;
}

/**
 * The server's reason for a field as a translation: the console knows the reasons the API
 * gives (its wording is English); any other comes after a translated lead, so nothing on the
 * form reads as a bare English sentence.
 */
export function fieldError(message: string): FieldError {
  const key = (name: string, args: Record<string, string> = {}) => ({
    message: `quetma.fieldErrors.${name}`,
    args,
  });
  if (/mobile number/i.test(message)) return key('phone');
  if (/in the future/i.test(message)) return key('future');
  if (/no ward|not a ward|no city, district or ward/i.test(message)) return key('ward');
  const long = /at most (\d+) characters/i.exec(message);
  if (long) return key('tooLong', { max: long[1] });
  if (/required|must not be empty|cannot be empty/i.test(message)) return key('required');
  return key('invalid', { detail: message });
}
