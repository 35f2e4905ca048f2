import { foldForSearch } from '@quetma/shared';

/**
 * What the search and sort columns of a user and of an API key hold, folded as a venue's are
 * (no case, no diacritics): written when the row is, and by the migration that added them.
 */
export const accountSearchColumns = {
  user: (email: string, name: string) => ({
    searchText: foldForSearch(`${email} ${name}`),
    nameSort: foldForSearch(name),
  }),
  apiKey: (name: string, prefix: string) => ({
    searchText: foldForSearch(`${name} ${prefix}`),
    nameSort: foldForSearch(name),
  }),
};
