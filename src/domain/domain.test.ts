import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Item } from '../core/index.ts'
import { chooseDomainProfile, DEFAULT_DOMAINS_DIR, loadDomainProfile, loadDomainProfiles } from './index.ts'

const item = (categories: string[], metadata: Item['metadata'] = {}) => ({ categories, metadata })

const folders: string[] = []
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})

function folderWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'domains-'))
  folders.push(dir)
  const generic = JSON.parse(JSON.stringify(loadDomainProfile('generic')))
  delete generic.file
  writeFileSync(join(dir, 'generic.en.json'), JSON.stringify(generic))
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content))
  return dir
}

const minimal = {
  id: 'books',
  language: 'en',
  noun: { singular: 'book', plural: 'books' },
  verb: { base: 'read', third: 'reads', past: 'read', participle: 'read', gerund: 'reading' },
}

describe('loadDomainProfiles', () => {
  it('loads the profiles of the repository, each with its reply copy complete', () => {
    const profiles = loadDomainProfiles(DEFAULT_DOMAINS_DIR)
    expect(profiles.map((p) => p.id)).toEqual(expect.arrayContaining(['generic', 'movies', 'software']))
    const movies = profiles.find((p) => p.id === 'movies')!
    expect(movies.say('greeting')).toBe('Hi! What do you feel like watching? Name a movie you liked, a mood, or a genre.')
    expect(movies.length).toMatchObject({ field: 'runtime', defaultMax: 100 })
    expect(movies.eras.find((e) => e.name === 'classic')).toMatchObject({ max: 1979 })
  })

  it('words the software profile in program words, never movie words', () => {
    const software = loadDomainProfile('software')
    const all = [
      ...(['greeting', 'help', 'reset', 'thanks', 'whichOne', 'noLength', 'failed'] as const).map((k) => software.say(k)),
      software.say('unknownPeople', { names: 'Linus' }),
      software.say('noYears', { era: 'recent' }),
      ...software.suggestions('startSuggestions'),
    ].join(' ')
    expect(all).not.toMatch(/\b(?:movies?|films?|watch(?:ing|ed)?)\b/i)
    expect(software.say('seriesRefused', { series: 'GNOME' })).toBe('no GNOME programs')
  })

  it('takes a new domain from one file, filling its copy from the generic profile with its own nouns', () => {
    const books = loadDomainProfile('books', folderWith({ 'books.en.json': minimal }))
    expect(books.say('whichOne')).toBe('Which one do you mean? Say "tell me about the second one", or name the book.')
    expect(books.say('noYears', { era: 'classics' })).toBe('(These books carry no years, so I can\'t filter by "classics".)')
  })

  it('names the file and the field of an invalid profile', () => {
    const dir = folderWith({ 'books.en.json': { ...minimal, verb: { base: 'read' }, eras: [{ name: 'x', phrases: ['y'] }] } })
    let error: unknown
    try {
      loadDomainProfiles(dir)
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'config.invalid' })
    const issues = (error as { details: { issues: string[] } }).details.issues.join('\n')
    expect((error as Error).message).toContain('books.en.json')
    expect(issues).toMatch(/verb\.third/)
    expect(issues).toMatch(/eras\.0: an era needs min, max or lastYears/)
  })

  it('refuses a critique nobody can say or whose search weighs nothing, naming where', () => {
    const critiques = [
      { search: [{ text: 'lighter', weight: 1 }] },
      { phrases: ['shorter'], search: [{ text: 'short', weight: 0 }] },
    ]
    const dir = folderWith({ 'books.en.json': { ...minimal, critiques } })
    expect(() => loadDomainProfiles(dir)).toThrow(/critiques\.0: a critique needs at least one way to say it/)
    expect(() => loadDomainProfiles(dir)).toThrow(/critiques\.1\.search\.0\.weight: a weight other than 0/)
  })

  it('refuses an unknown placeholder in reply copy and a file named after another id', () => {
    const badCopy = folderWith({ 'books.en.json': { ...minimal, copy: { greeting: 'Hi {reader}' } } })
    expect(() => loadDomainProfiles(badCopy)).toThrow(/copy\.greeting: unknown placeholder \{reader\}/)
    const misnamed = folderWith({ 'novels.en.json': minimal })
    expect(() => loadDomainProfiles(misnamed)).toThrow(/must be named books\.en\.json/)
    const broken = folderWith({ 'books.en.json': '{ not json' })
    expect(() => loadDomainProfiles(broken)).toThrow(/books\.en\.json is invalid/)
  })
})

describe('chooseDomainProfile', () => {
  const profiles = loadDomainProfiles()

  it('picks movies for a MovieLens build and software for a catalogue with installed sizes', () => {
    expect(chooseDomainProfile(profiles, { dataset: 'ml-latest-small', items: [] }).id).toBe('movies')
    const debian = [item(['sound'], { installed_size_kb: 120 }), item(['games'], { installed_size_kb: 9000 })]
    expect(chooseDomainProfile(profiles, { dataset: 'generic', items: debian }).id).toBe('software')
  })

  it('falls back to generic when no rule fits, and obeys CONCIERGE_DOMAIN', () => {
    const recipes = [item(['dessert']), item(['soup'])]
    expect(chooseDomainProfile(profiles, { dataset: 'generic', items: recipes }).id).toBe('generic')
    expect(chooseDomainProfile(profiles, { dataset: 'generic', items: recipes }, 'movies').id).toBe('movies')
    expect(() => chooseDomainProfile(profiles, { items: recipes }, 'recipes')).toThrow(/CONCIERGE_DOMAIN=recipes/)
  })

  it('detects films in a generic catalogue by their genres', () => {
    const films = [item(['Drama']), item(['Comedy', 'Romance']), item(['Horror'])]
    expect(chooseDomainProfile(profiles, { dataset: 'generic', items: films }).id).toBe('movies')
  })
})
