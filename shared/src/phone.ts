/**
 * Vietnamese mobile numbers: 0, 84 or +84, then 9 digits starting 3, 5, 7, 8 or 9 (the 2018
 * ten-digit plan). Spaces, dots, dashes and parentheses are allowed between digits.
 * Returns the number as +84 and 9 digits, or undefined when it is not a mobile number.
 */
export function normalizeVietnameseMobile(raw: string): string | undefined {
  const compact = raw.replace(/[\s.\-()]/g, '');
  const match = /^(?:\+84|84|0)([35789]\d{8})$/.exec(compact);
  return match ? `+84${match[1]}` : undefined;
}
