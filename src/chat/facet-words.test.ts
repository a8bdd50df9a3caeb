import { describe, expect, it } from 'vitest'
import type { Facet } from '../core/index.ts'
import { loadDomainProfile } from '../domain/index.ts'
import { createFacetReader } from './facet-words.ts'

const values = (...vs: string[]) => vs.map((value) => ({ value, count: 1 }))
const facets: Facet[] = [
  { kind: 'categorical', field: 'categories', values: values('sound', 'graphics', 'kde'), itemCount: 3 },
  { kind: 'categorical', field: 'tags', values: values('gtk', 'qt', 'player', 'server'), itemCount: 3 },
  { kind: 'categorical', field: 'interface', values: values('graphical', 'commandline', 'text-mode', 'web'), itemCount: 3 },
  { kind: 'categorical', field: 'toolkit', values: values('gtk', 'qt', 'ncurses'), itemCount: 1 },
  { kind: 'numeric', field: 'installed_size_kb', min: 10, max: 900_000, itemCount: 3 },
]
const software = createFacetReader(facets, loadDomainProfile('software'), 3)
const reader = { read: (text: string) => software.read(text).constraints }

describe('the facet reader (software profile)', () => {
  it('refuses a toolkit by name or by desktop, in the narrowest field that has it', () => {
    expect(reader.read('an image viewer. not GTK please')).toEqual([{ field: 'toolkit', exclude: ['gtk'] }])
    expect(reader.read('nothing from KDE')).toEqual([{ field: 'toolkit', exclude: ['qt'] }])
    expect(reader.read("a photo editor that isn't gtk")).toEqual([{ field: 'toolkit', exclude: ['gtk'] }])
    expect(reader.read('no GTK or Qt')).toEqual([
      { field: 'toolkit', exclude: ['gtk'] },
      { field: 'toolkit', exclude: ['qt'] },
    ])
  })

  it('asks for an interface said in other words, but not for a terminal emulator', () => {
    expect(reader.read('an email client for the command line')).toEqual([
      { field: 'interface', include: ['commandline', 'text-mode'], orMissing: true },
    ])
    expect(reader.read('a simple text editor with a graphical interface')).toEqual([
      { field: 'interface', include: ['graphical'], orMissing: true },
    ])
    expect(reader.read('a terminal emulator')).toEqual([])
    // "web" of "a web browser" is part of the kind of program asked for, not the interface `web`.
    expect(reader.read('a web browser')).toEqual([])
    expect(reader.read('a program with a web interface')).toEqual([{ field: 'interface', include: ['web'], orMissing: true }])
    // Most programs do not declare a toolkit: one without is not a Qt program.
    expect(reader.read('a music player written in qt')).toEqual([{ field: 'toolkit', include: ['qt'] }])
  })

  it('refuses tags but reads tags asked for as wishes, not filters', () => {
    expect(reader.read('a music player, not a server')).toEqual([{ field: 'tags', exclude: ['server'] }])
  })

  it('leaves the length field to the quantities pass, and says which phrases it read', () => {
    expect(reader.read('under 100 MB, something lightweight')).toEqual([])
    expect(software.read('an image viewer, not GTK, for the terminal').phrases).toEqual(['gtk', 'terminal'])
    expect(software.read("a photo editor that isn't gtk").refusals).toEqual(["isn't gtk", 'gtk'])
    // The only refusal was the toolkit's: the editor is wished for. "nothing violent" refuses more.
    expect(software.read("a photo editor that isn't gtk").refusesMore).toBe(false)
    expect(software.read('nothing violent and not gtk').refusesMore).toBe(true)
  })

  it('bounds any numeric field named after a number, and a price in money', () => {
    const shop = createFacetReader(
      [
        { kind: 'numeric', field: 'price', min: 1, max: 90, itemCount: 2 },
        { kind: 'numeric', field: 'pages', min: 50, max: 900, itemCount: 2 },
      ],
      loadDomainProfile('generic'),
      2,
    )
    expect(shop.read('something cheaper than 20').constraints).toEqual([{ field: 'price', max: 20 }])
    expect(shop.read('under 10 euros, over 300 pages').constraints).toEqual([
      { field: 'price', max: 10 },
      { field: 'pages', min: 300 },
    ])
  })

  it('reads nothing in a movie catalogue, whose facets are categories, years and runtimes', () => {
    const movies = createFacetReader(
      [
        { kind: 'categorical', field: 'categories', values: values('Horror', 'Comedy'), itemCount: 2 },
        { kind: 'numeric', field: 'runtime', min: 60, max: 200, itemCount: 2 },
      ],
      loadDomainProfile('movies'),
      2,
    )
    expect(movies.read('no horror, nothing too long, under 2 hours').constraints).toEqual([])
  })
})
