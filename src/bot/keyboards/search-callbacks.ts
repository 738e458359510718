// Callback data of search, browsing, cards and the specific-person request ("s:" prefix).
// Kept stateless (everything needed is in the data) so old messages' buttons keep working;
// each value stays well under Telegram's 64 bytes.

/** Browsable facets: interest, views or group, profession, region. */
export const FACETS = ["i", "v", "pr", "rg"] as const;
export type Facet = (typeof FACETS)[number];

export const SEARCH_CB = {
  /** The search screen: type a name, or browse. */
  menu: "s:menu",
  /** The page-number button: does nothing. */
  noop: "s:noop",
  /** Start the "write to someone specific" form. */
  specific: "s:sr",
  /** Full card of a prisoner. */
  card: (prisonerId: number) => `s:p:${prisonerId}`,
  /** Write to this prisoner (enters the letter flow). */
  write: (prisonerId: number) => `s:w:${prisonerId}`,
  /** The values of a facet (page of buttons). */
  facet: (facet: Facet, page: number) => `s:b:${facet}:${page}`,
  /** People with one facet value; the value is a short key (see facetValueKey). */
  filter: (facet: Facet, valueKey: string, page: number) => `s:f:${facet}:${valueKey}:${page}`,
  /** A page of name-search results; the query is stored under a short id. */
  query: (queryId: string, page: number) => `s:q:${queryId}:${page}`,
  /** Write the letter of a saved specific-person request. */
  specificWrite: (requestId: number) => `s:srw:${requestId}`,
  /** The writer's list of their specific-person requests. */
  requests: "s:srl",
} as const;

export const SEARCH_CB_PATTERNS = {
  card: /^s:p:(\d{1,10})$/,
  write: /^s:w:(\d{1,10})$/,
  facet: /^s:b:(i|v|pr|rg):(\d{1,6})$/,
  filter: /^s:f:(i|v|pr|rg):([A-Za-z0-9_-]{1,40}):(\d{1,6})$/,
  query: /^s:q:([A-Za-z0-9_-]{1,16}):(\d{1,6})$/,
  specificWrite: /^s:srw:(\d{1,10})$/,
} as const;
