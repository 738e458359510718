// Callback data of search, browsing, cards and the specific-person request ("s:" prefix).
// Kept stateless (everything needed is in the data) so old messages' buttons keep working;
// each value stays well under Telegram's 64 bytes.

import { callback, id, oneOf, page, token } from "../callbacks.js";

/** Browsable facets: interest, views or group, profession, region. */
export const FACETS = ["i", "v", "pr", "rg"] as const;
export type Facet = (typeof FACETS)[number];

/** The search buttons that carry values, for handlers to decode (see SEARCH_CB for each). */
export const SEARCH_BUTTONS = {
  card: callback("s:p", id),
  write: callback("s:w", id),
  facet: callback("s:b", oneOf(FACETS), page),
  filter: callback("s:f", oneOf(FACETS), token(40), page),
  query: callback("s:q", token(16), page),
  specificWrite: callback("s:srw", id),
};

export const SEARCH_CB = {
  /** The search screen: type a name, or browse. */
  menu: "s:menu",
  /** The page-number button: does nothing. */
  noop: "s:noop",
  /** Start the "write to someone specific" form. */
  specific: "s:sr",
  /** Full card of a prisoner. */
  card: (prisonerId: number) => SEARCH_BUTTONS.card.encode(prisonerId),
  /** Write to this prisoner (enters the letter flow). */
  write: (prisonerId: number) => SEARCH_BUTTONS.write.encode(prisonerId),
  /** The values of a facet (page of buttons). */
  facet: (facet: Facet, n: number) => SEARCH_BUTTONS.facet.encode(facet, n),
  /** People with one facet value; the value is a short key (see facetValueKey). */
  filter: (facet: Facet, valueKey: string, n: number) => SEARCH_BUTTONS.filter.encode(facet, valueKey, n),
  /** A page of name-search results; the query is stored under a short id. */
  query: (queryId: string, n: number) => SEARCH_BUTTONS.query.encode(queryId, n),
  /** Write the letter of a saved specific-person request. */
  specificWrite: (requestId: number) => SEARCH_BUTTONS.specificWrite.encode(requestId),
  /** The writer's list of their specific-person requests. */
  requests: "s:srl",
} as const;
