import { describe, expect, it } from 'vitest'
import type { Item } from '../core/index.ts'
import { compileConstraints, facetFit } from './filters.ts'

const program = (id: string, metadata: Item['metadata'], tags: string[] = []): Item => ({
  id,
  title: id,
  description: '',
  categories: ['sound'],
  tags,
  metadata,
})

const items = [
  program('gtk-app', { toolkit: '["gtk"]', interface: '["graphical","x11"]', installed_size_kb: 2000 }, ['gtk']),
  program('qt-app', { toolkit: '["qt"]', interface: '["graphical","x11"]', installed_size_kb: 90000 }, ['qt']),
  program('tui', { toolkit: '["ncurses"]', interface: '["text-mode"]', installed_size_kb: 800 }),
  program('unknown', { installed_size_kb: 500 }),
]

const passing = (facets: Parameters<typeof compileConstraints>[0]['facets']) => {
  const passes = compileConstraints({ includeCategories: [], excludeCategories: [], facets })
  return items.filter(passes).map((i) => i.id)
}

describe('facet constraints', () => {
  it('refuse every item holding a refused value, whatever its case', () => {
    expect(passing([{ field: 'toolkit', exclude: ['GTK'] }])).toEqual(['qt-app', 'tui', 'unknown'])
    expect(passing([{ field: 'tags', exclude: ['qt'] }])).toEqual(['gtk-app', 'tui', 'unknown'])
  })

  it('ask for values, keeping the items that do not declare the field only when told to', () => {
    expect(passing([{ field: 'interface', include: ['text-mode', 'commandline'] }])).toEqual(['tui'])
    expect(passing([{ field: 'interface', include: ['text-mode', 'commandline'], orMissing: true }])).toEqual(['tui', 'unknown'])
  })

  it('bound a numeric field, ruling out items without it', () => {
    expect(passing([{ field: 'installed_size_kb', max: 1024 }])).toEqual(['tui', 'unknown'])
    expect(passing([{ field: 'installed_size_kb', min: 1000, max: 100_000 }])).toEqual(['gtk-app', 'qt-app'])
    expect(passing([{ field: 'price', max: 10 }])).toEqual([])
  })

  it('hold all at once', () => {
    const both = [
      { field: 'toolkit', exclude: ['gtk'] },
      { field: 'installed_size_kb', max: 10_000 },
    ]
    expect(passing(both)).toEqual(['tui', 'unknown'])
  })

  it('reject a malformed constraint naming where it is', () => {
    expect(() => passing([{ field: '' }])).toThrow(/constraints\.facets\[0\]\.field/)
    expect(() => passing([{ field: 'x', max: Number.NaN }])).toThrow(/constraints\.facets\[0\]\.max/)
    expect(() => passing([{ field: 'x', exclude: [3 as never] }])).toThrow(/constraints\.facets\[0\]\.exclude/)
  })
})

describe('facetFit', () => {
  it('says which asked-for values and bounds an item meets, and what it holds instead of a refused value', () => {
    const constraints = {
      includeCategories: [],
      excludeCategories: [],
      facets: [
        { field: 'toolkit', exclude: ['gtk'] },
        { field: 'interface', include: ['text-mode'] },
        { field: 'installed_size_kb', max: 1024 },
      ],
    }
    expect(facetFit(items[2]!, constraints)).toEqual([
      'toolkit ncurses, not gtk as you asked',
      'interface text-mode as you asked',
      'installed_size_kb 800, at most 1024 as you asked',
    ])
    expect(facetFit(items[3]!, constraints)).toEqual(['installed_size_kb 500, at most 1024 as you asked'])
  })
})
