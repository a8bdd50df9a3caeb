import type { Facet, FacetConstraint, ItemId } from '../../core/index.ts'
import type { PendingClarification } from '../../store/index.ts'
import type { TitleMention } from '../title-index.ts'
import type { UnderstandProfile } from './domain-words.ts'

/** What a person does with an item they name or point at. */
export type ItemAction = 'like' | 'dislike' | 'seen' | 'unseen' | 'anchor' | 'reject'

export interface UnderstandContext {
  /** Items of the last reply, in displayed order ("the second one"). */
  lastShown: readonly ItemId[]
  /** The item last talked about ("more like that"). */
  focus?: ItemId
  pending?: PendingClarification
  /** Year of an item, for "the 1979 one" and relative critiques ("older"). */
  yearOf: (id: ItemId) => number | undefined
  /** Newest year in the catalogue ("recent" means the last few years of it). */
  maxYear: number
  /** Whether the catalogue has a numeric `runtime` field (minutes), for "nothing too long". */
  hasRuntime: boolean
  /**
   * Whether any item's text (title, description, tags) names this person: "anything with Clint Eastwood" is then a
   * wish like any other; otherwise the name is set aside (`unknownPeople`). Absent: every name counts as known.
   */
  knowsName?: (name: string) => boolean
  /** The catalogue's domain words (nouns, verbs, eras, length); absent: the movies profile. */
  profile?: UnderstandProfile
  /** Whether items have years; without them no era word filters (`eraIgnored`). Absent: they do. */
  hasYears?: boolean
  /** The catalogue's filterable fields and their values ("not GTK", "under 100 MB"). */
  facets?: readonly Facet[]
}

export interface Understanding {
  /** The utterance after sanitising (control characters stripped, length capped). */
  text: string
  intent: 'empty' | 'greeting' | 'help' | 'thanks' | 'reset' | 'request' | 'about'
  /** With intent `about` ("what's it about?", "tell me about the second one"): the film asked about, if clear. */
  about?: ItemId
  /** Start over before applying the rest. */
  reset: boolean
  /** Drop every hard filter (categories, era, runtime). */
  dropFilters: boolean
  /**
   * A change of direction ("something completely different", "a change of pace"): the filters asked for, wishes and
   * pulls of the conversation so far go; refusals ("no horror", "not GTK"), likes, dislikes and what was shown stay.
   */
  changeDirection: boolean
  mentions: { mention: TitleMention; action: ItemAction }[]
  /** Items pointed at through the last reply or the focus ("the second one", "that one"). */
  references: { itemId: ItemId; action: ItemAction }[]
  /** The answer to a pending clarifying question, when this message gives it. */
  clarified?: ItemId
  include: string[]
  /**
   * Category words said together ("a romantic comedy", "a funny space movie"): the item should be all of them,
   * one group per word (each met by any of its categories). Set only when they are the message's only request.
   */
  includeAll?: string[][]
  exclude: string[]
  /** Categories no longer required ("it doesn't have to be action"): out of the filter, not refused. */
  release?: string[]
  /** Whether the new includes add to earlier ones ("also", "too") instead of replacing them. */
  includeAdds: boolean
  era?: { min?: number; max?: number }
  /** An era was asked for ("classics", "from the 90s") but the items have no years: the words as written. */
  eraIgnored?: string
  /** Catalogue fields asked for, refused or bounded ("not GTK", "command line only", "under 100 MB"). */
  facets?: FacetConstraint[]
  runtimeMax?: number
  /** A length limit was asked for but the catalogue lacks the profile's length field (no running times, no sizes). */
  runtimeIgnored?: boolean
  /** People asked for ("starring Jeff Goldblum") whom no item's text names: not a wish, and the reply says so. */
  unknownPeople?: string[]
  /**
   * People and places asked for by name whom some item's text names ("anything with Tom Hanks", "set in Paris"): the
   * films that name them answer, not a wish.
   */
  names?: string[]
  /**
   * Free-text wishes and critiques, with their signs. `filtered`: the words of the text a category filter asked for
   * in the same message already carries ("thriller" of "a political thriller"); they do not drive the wish's lexical
   * evidence (the text, as said, is still embedded and quoted). `said`: the person's own words when `text` is not
   * what they said but what the search reads for it (a critique: "gentler" for 'heartwarming feel-good'); replies
   * quote these, never the search text. `contrast`: a wish said as a change to a title it is asked beside ("like
   * Jaws but with another animal"): what differs from the title is what is asked for. `lean`: the catalogue's
   * categories a critique leans toward ("funnier" → Comedy), which rank first among items that fit about as well.
   */
  preferences: { text: string; weight: number; filtered?: string[]; said?: string; contrast?: true; lean?: string[] }[]
}
