import { describe, expect, it } from 'vitest'
import type { Item } from '../core/index.ts'
import { createLabelIndex } from './labels.ts'

const program = (id: string, description: string, tags: string[], categories: string[] = []): Item => ({
  id,
  title: id,
  description,
  tags,
  categories,
  metadata: {},
})

// 200 programs: audio recorders that say "capture" and "record", audio players that say "play", editors, and
// filler. "sound" is everywhere; only the recorders carry the tag `recorder`. Every label is on at least five.
const items: Item[] = [
  program('rec1', 'Capture sound from a microphone and record it to disk.', ['audio', 'recorder'], ['sound']),
  program('rec2', 'Record sound from any input; capture to wav.', ['audio', 'recorder'], ['sound']),
  program('rec3', 'A small tool to capture sound.', ['audio', 'recorder'], ['sound']),
  program('rec4', 'Records sound and capture levels.', ['audio', 'recorder'], ['sound']),
  // Carries the label but never says "record": the label vote must still reach it.
  program('rec5', 'Sound sampling to files with levels.', ['audio', 'recorder'], ['sound']),
  program('play1', 'Play your sound files from a playlist.', ['audio', 'player'], ['sound']),
  program('play2', 'Play sound and music quickly.', ['audio', 'player'], ['sound']),
  program('play3', 'A sound player that can play streams.', ['audio', 'player'], ['sound']),
  program('play4', 'Plays sound from the network.', ['audio', 'player'], ['sound']),
  program('play5', 'Music playing with a queue.', ['audio', 'player'], ['sound']),
  program('edit1', 'Edit text files with syntax colours.', ['editing', 'text'], ['editors']),
  program('edit2', 'Edit configuration text quickly.', ['editing', 'text'], ['editors']),
  program('edit3', 'Editing of plain text.', ['editing', 'text'], ['editors']),
  program('edit4', 'An editor for text.', ['editing', 'text'], ['editors']),
  program('edit5', 'Edits files.', ['editing', 'text'], ['editors']),
  // A label on two programs only names them: whatever words they share must not vote for it.
  program('pair1', 'A decibel meter for sound.', ['audio', 'rare-pair'], ['sound']),
  program('pair2', 'Decibel logging of sound.', ['audio', 'rare-pair'], ['sound']),
  ...Array.from({ length: 183 }, (_, i) =>
    program(`p${i}`, i % 2 ? 'A utility that works with sound in some way.' : 'A general utility program.', ['utility']),
  ),
]

describe('createLabelIndex', () => {
  const index = createLabelIndex(items)

  it('votes for the labels whose items use the wish words, strongest first', () => {
    const { votes } = index.match('something to record sound')
    const labels = [...votes.keys()]
    expect(labels[0]).toBe('tag:recorder')
    expect(labels).not.toContain('tag:player')
    expect(labels).not.toContain('tag:utility')
  })

  it('learns no label carried by fewer than five items, whatever words they share', () => {
    const { votes } = index.match('a decibel meter')
    expect(votes.has('tag:rare-pair')).toBe(false)
    expect(votes.has('tag:audio')).toBe(true)
  })

  it('scores an item by its labels, so a recorder that never says "record" is reached', () => {
    const { scores, best } = index.match('record sound')
    expect(scores.get('rec5')).toBeGreaterThan(0)
    expect(scores.get('rec5')).toBe(best)
    expect(scores.get('play1') ?? 0).toBeLessThan(best)
    expect(scores.has('p1')).toBe(false)
  })

  it('reads roots: "editing" meets "edit", and categories are labels too', () => {
    const { votes } = index.match('text editing')
    expect(votes.has('tag:editing')).toBe(true)
    expect(votes.has('category:editors')).toBe(true)
  })

  it('gives no votes for words nothing uses, or a word used once (chance)', () => {
    expect(index.match('quantum chromodynamics').votes.size).toBe(0)
    expect(index.match('microphone').best).toBe(0)
  })

  it('lets feedback items vote as one more word of the wish (and caches by both)', () => {
    expect(index.match('quantum chromodynamics').votes.size).toBe(0)
    const fed = index.match('quantum chromodynamics', ['edit1', 'edit2', 'edit3', 'play1'])
    expect([...fed.votes.keys()]).toContain('tag:editing')
    expect(fed.scores.get('edit5')).toBe(fed.best)
    expect(index.match('quantum chromodynamics').votes.size).toBe(0)
  })

  it('gives no votes for a label most items carry', () => {
    const { votes } = index.match('a general utility that works')
    expect(votes.has('tag:utility')).toBe(false)
  })
})
