import { z } from 'zod'

const word = z.string().trim().min(1)
const words = z.array(word)

/** A noun in its two numbers: `{ "singular": "movie", "plural": "movies" }`. */
export const nounSchema = z.strictObject({ singular: word, plural: word })

/** A verb in every form the chat reads or writes: watch / watches / watched / watched / watching. */
export const verbSchema = z.strictObject({ base: word, third: word, past: word, participle: word, gerund: word })

/**
 * An era word and the years it asks for. `lastYears` is relative to the newest year in the catalogue
 * ("recent": the last 5 years); `min`/`max` are absolute. `refused` is the range asked for when the word is
 * refused ("nothing old school" → from 1990 on). `vague` eras give way to a precise year in the same message.
 */
export const eraSchema = z
  .strictObject({
    name: word,
    phrases: words.min(1),
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    lastYears: z.number().int().positive().optional(),
    refused: z.strictObject({ min: z.number().int().optional(), max: z.number().int().optional() }).optional(),
    vague: z.boolean().default(true),
  })
  .refine((e) => e.min !== undefined || e.max !== undefined || e.lastYears !== undefined, {
    message: 'an era needs min, max or lastYears',
  })

/**
 * Length words and the numeric field they bind to: "nothing too long" on movies is `runtime` under 100 minutes.
 * `units` maps what people say after a number ("min", "hours") to how many of the field's unit it is.
 */
export const lengthSchema = z.strictObject({
  field: word,
  unit: word,
  phrases: words.min(1),
  defaultMax: z.number().positive(),
  units: z.record(word, z.number().positive()).default({}),
})

/**
 * Words for a kind of item, mapped to the catalogue's category names (any of their spellings). `alsoExclude`
 * widens a refusal ("nothing scary" also refuses thrillers) unless a category is asked for in the same message;
 * `alsoInclude` widens a request.
 */
export const categoryConceptSchema = z.strictObject({
  names: words.min(1),
  words: words.min(1),
  alsoExclude: words.optional(),
  alsoInclude: words.optional(),
  /**
   * Subjects within the category ("heist", "zombies"): asked for, a wish to match rather than a filter ("a funny
   * heist movie" is not every crime film); refused, a wish against them, not a refusal of the category ("a horror
   * movie" then "with ghosts, not zombies" keeps the horror films).
   */
  topics: words.optional(),
  /**
   * The words name people ("kids", "family"): who the item is for ("a movie for the kids"), or, said as part of the
   * story, people in it ("someone's kid gets abducted"), which is a wish to match rather than a filter.
   */
  people: z.boolean().optional(),
})

/** A mood that refuses categories whatever else is asked: "feel-good" is never horror. */
export const impliedRefusalSchema = z.strictObject({ phrases: words.min(1), exclude: words.min(1) })

/**
 * A comparative critique ("funnier", "less violent"; "lighter" for software): how people say it and what the search
 * reads for it. `phrases` are said as they are ("funnier", "feel good"); `more`, `less` and `notSo` are words said
 * after "more", "less" and "not so / too / as"; `negated` words after "not", "nothing", "isn't", "aren't" or "without
 * being", with or without "so", "too", "as", "very", "overly" or "that" between. Spaces and hyphens are the same, and
 * "a bit" or "a little" may come first. Each `search` text joins the wishes with its weight (below 0 pushes away); the
 * catalogue's items in its `categories` rank first among those that match the wishes about as well (a soft lean, not a
 * filter: "a heist movie but funnier" puts the comedies among the heists first).
 */
export const critiqueSchema = z
  .strictObject({
    phrases: words.default([]),
    more: words.default([]),
    less: words.default([]),
    notSo: words.default([]),
    negated: words.default([]),
    /** The categories it leans toward, by any spelling of the profile's category names ("funnier" → Comedy). */
    categories: words.default([]),
    search: z
      .array(
        z.strictObject({
          text: word,
          weight: z
            .number()
            .finite()
            .refine((w) => w !== 0, 'a weight other than 0'),
        }),
      )
      .min(1),
  })
  .refine((c) => c.phrases.length + c.more.length + c.less.length + c.notSo.length + c.negated.length > 0, {
    message: 'a critique needs at least one way to say it (phrases, more, less, notSo or negated)',
  })

/** How a series shows in titles: a sequel's word after the shared opening ("Part", "II", "and the"). */
export const seriesSchema = z.strictObject({
  sequelWords: words.min(1),
  minTitles: z.number().int().min(2).default(3),
})

/**
 * Words for values of a catalogue field that people do not say as written: "terminal" and "command line" for the
 * `interface` values `commandline` and `text-mode`, "KDE" for the toolkit `qt`. Values said as written ("GTK",
 * "ncurses") need no entry. `notBefore`: words after the phrase that make it mean something else ("terminal emulator").
 */
export const facetWordsSchema = z.strictObject({
  phrases: words.min(1),
  field: word,
  values: words.min(1),
  notBefore: words.optional(),
})

/**
 * Categories whose items read as dark or light (lower-case): a reply mostly of one offers the other ("Something
 * lighter?"). Empty lists offer neither.
 */
export const toneSchema = z.strictObject({ dark: words.default([]), light: words.default([]) })

/** Which catalogues a profile fits when `CONCIERGE_DOMAIN` is unset; a rule matches when every listed part does. */
export const detectSchema = z.strictObject({
  /** Dataset kinds (`ml-latest-small`, `ml-100k`, `generic`). */
  datasets: words.optional(),
  /** Metadata fields that every matching catalogue has (e.g. `installed_size_kb`). */
  fields: words.optional(),
  /** Category names of which at least `minShare` of the catalogue's items carry one. */
  categories: words.optional(),
  minShare: z.number().min(0).max(1).default(0.5),
})

/**
 * The words of replies and suggestions. Templates may use `{noun}`, `{nouns}`, `{Noun}`, `{Nouns}` and the verb
 * forms `{verb}`, `{verbs}`, `{verbed}` (past), `{verbedParticiple}`, `{verbing}`, plus the placeholders listed
 * per key in COPY_PLACEHOLDERS. Keys a profile leaves out come from generic.en.json.
 */
export const copySchema = z.strictObject({
  greeting: word,
  help: word,
  reset: word,
  thanks: word,
  startSuggestions: words.min(1),
  whichOne: word,
  whichOneSuggestions: words,
  describeSuggestions: words,
  unknownPeople: word,
  seriesRefused: word,
  noYears: word,
  noLength: word,
  earlierWishUnmatched: word,
  failed: word,
})

/** One domain: the nouns, verbs, era and length words, categories and reply copy of a kind of catalogue. */
export const domainProfileSchema = z.strictObject({
  /** Short name used by `CONCIERGE_DOMAIN` (`movies`, `generic`, `software`). */
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  language: z.string().regex(/^[a-z]{2}$/, 'a two-letter language code such as "en"'),
  description: z.string().optional(),
  detect: z.array(detectSchema).default([]),
  noun: nounSchema,
  /** Other nouns read as the item noun ("film", "flick"); not used in replies. */
  nounSynonyms: z.array(nounSchema).default([]),
  verb: verbSchema,
  /** Other verbs of consumption read like the main one ("see" for movies, "use"/"run" for software). */
  verbSynonyms: z.array(verbSchema).default([]),
  eras: z.array(eraSchema).default([]),
  length: lengthSchema.nullable().default(null),
  categories: z.array(categoryConceptSchema).default([]),
  impliedRefusals: z.array(impliedRefusalSchema).default([]),
  /** Comparative critiques, in the order they are read (an earlier one takes its words first). */
  critiques: z.array(critiqueSchema).default([]),
  series: seriesSchema.nullable().default(null),
  facetWords: z.array(facetWordsSchema).default([]),
  /**
   * Words that name what an item is for in this domain though they are chit-chat in others, so a wish keeps them:
   * software's "note" ("a note taking app"), "type" ("learn to touch type"), "sound".
   */
  wishWords: words.default([]),
  /**
   * The catalogue's words for things people name otherwise, added to the lexical search of a wish that says one of
   * the phrases: software's "falling blocks" → "tetris", "first person shooter" → "fps".
   */
  searchWords: z.array(z.strictObject({ phrases: words.min(1), terms: words.min(1) })).default([]),
  tone: toneSchema.default({ dark: [], light: [] }),
  copy: copySchema.partial().default({}),
})

export type DomainProfileInput = z.input<typeof domainProfileSchema>
export type Noun = z.infer<typeof nounSchema>
export type Verb = z.infer<typeof verbSchema>
export type Era = z.infer<typeof eraSchema>
export type LengthRule = z.infer<typeof lengthSchema>
export type CategoryConcept = z.infer<typeof categoryConceptSchema>
export type ImpliedRefusal = z.infer<typeof impliedRefusalSchema>
export type Critique = z.infer<typeof critiqueSchema>
export type SeriesRule = z.infer<typeof seriesSchema>
export type FacetWords = z.infer<typeof facetWordsSchema>
export type Tone = z.infer<typeof toneSchema>
export type DetectRule = z.infer<typeof detectSchema>
export type ReplyCopy = z.infer<typeof copySchema>
export type CopyKey = keyof ReplyCopy
