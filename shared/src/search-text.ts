/**
 * Folds Vietnamese text for searching: NFD, drop combining marks (tones and vowel marks),
 * đ → d, lower case, single spaces. `Quận Hoàn Kiếm` and `quan hoan kiem` fold alike.
 * The database stores this form of a venue's name and address, so both sides must use it.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** NFC with single spaces: how names are stored and compared. */
export function normalizeName(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}
