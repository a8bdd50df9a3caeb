import { describe, expect, it } from 'vitest'
import { findUngrounded } from './grounding.ts'

const evidence = [
  'a funny sci-fi movie from the 90s',
  'Galaxy Quest',
  'Comedy, Sci-Fi, 1999',
  'Because you asked for something funny: a Sci-Fi comedy from 1999, like Men in Black.',
]

const kinds = (text: string) => findUngrounded(text, evidence).map((i) => `${i.kind}:${i.text}`)

describe('findUngrounded', () => {
  it('passes text that only rewords the evidence', () => {
    expect(kinds('Galaxy Quest is a Sci-Fi comedy from 1999, a fun pick if you liked Men in Black.')).toEqual([])
    expect(kinds("Here's something funny. I think you'll enjoy Galaxy Quest's humour!")).toEqual([])
    expect(kinds('Sure! A light-hearted comedy with a sci-fi twist.')).toEqual([])
  })

  it('flags Slack mentions and broadcasts whatever the evidence says', () => {
    expect(kinds('Hey <!channel>, look at this')).toEqual(['mention:<!channel>'])
    expect(kinds('Ping <@U123> and @here')).toEqual(['mention:<@U123>', 'mention:@here'])
    expect(kinds('<https://evil.example|click>')).toEqual(['mention:<https://evil.example|click>'])
  })

  it('flags URLs and domains the evidence does not hold', () => {
    expect(kinds('Stream it at https://free-movies.example/watch?id=1 today')).toEqual([
      'url:https://free-movies.example/watch?id=1',
    ])
    expect(kinds('More on imdb.com')).toContain('url:imdb.com')
    expect(kinds('see www.example.org')).toEqual(['url:www.example.org'])
  })

  it('flags numbers, names and fact words that are not in the evidence', () => {
    expect(kinds('A 1997 classic rated 8.5.')).toEqual(['number:1997', 'number:8.5', 'claim:rated'])
    expect(kinds('It stars Tim Allen and Sigourney Weaver.')).toEqual(['name:Tim', 'name:Allen', 'name:Sigourney', 'name:Weaver'])
    expect(kinds('The Matrix fans will love it.')).toEqual(['name:Matrix'])
    expect(kinds('An award-winning Oscar-nominated comedy.')).toEqual(
      expect.arrayContaining(['claim:award-winning', 'name:Oscar-nominated']),
    )
    expect(kinds('Based on a true story.')).toEqual(['claim:Based on', 'claim:true story'])
  })
})
