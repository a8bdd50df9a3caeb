import type { FeedbackKind, Item, Reply, ReplyItem, UserProfile } from '../core/index.ts'
import {
  ACTION,
  decodeItemValue,
  encodeItemValue,
  encodePreferenceValue,
  encodeSuggestValue,
  FEEDBACK_ACTIONS,
} from './actions.ts'

/** Slack's documented limits for what we render. */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerHomeView: 100,
  sectionText: 3000,
  contextText: 2000,
  buttonText: 75,
  altText: 2000,
  imageUrl: 3000,
  fallbackText: 3000,
  actionsElements: 25,
} as const

/** The most items one reply shows: intro + per item (section, actions, state context) + suggestions + echo. */
export const MAX_ITEMS = Math.floor((LIMITS.blocksPerMessage - 3) / 3)
const MAX_SUGGESTIONS = 5

/** A Block Kit block as plain JSON; only the shapes this bot sends. */
export type Block = Record<string, unknown> & { type: string; block_id?: string }

export interface RenderedMessage {
  /** Notification and screen-reader fallback. */
  text: string
  blocks: Block[]
}

export type ItemState = FeedbackKind

const STATE_LABEL: Record<ItemState, string> = {
  like: '👍 Liked',
  dislike: '👎 Disliked',
  not_interested: '🙈 Not interested',
  seen: '👀 Seen it',
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Cuts text to at most `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`
}

/** {@link truncate} for escaped text: an entity cut in half (`&am…`) is dropped rather than shown. */
function truncateEscaped(text: string, max: number): string {
  return truncate(text, max).replace(/&[a-z]{0,3}…$/, '…')
}

function mrkdwn(text: string, max: number = LIMITS.sectionText) {
  return { type: 'mrkdwn', text: truncate(text, max) }
}

function plain(text: string, max: number) {
  return { type: 'plain_text', text: truncate(text, max), emoji: true }
}

function button(actionId: string, label: string, value: string, style?: 'primary' | 'danger') {
  return { type: 'button', action_id: actionId, text: plain(label, LIMITS.buttonText), value, ...(style ? { style } : {}) }
}

function isHttpUrl(url: string | undefined): url is string {
  if (!url || url.length > LIMITS.imageUrl) return false
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:'
  } catch {
    return false
  }
}

function itemHeading(item: { title: string; year?: number }): string {
  const year = item.year === undefined ? '' : ` (${item.year})`
  return `*${escapeMrkdwn(item.title)}*${year}`
}

export function itemBlockId(index: number): string {
  return `concierge:item:${index}`
}

function stateBlockId(index: number): string {
  return `concierge:state:${index}`
}

function renderItem(item: ReplyItem, index: number, conversationId: string): Block[] {
  const lines = [itemHeading(item)]
  if (item.explanation) lines.push(escapeMrkdwn(item.explanation))
  if (item.categories.length > 0) lines.push(`_${escapeMrkdwn(item.categories.join(' · '))}_`)
  const section: Block = { type: 'section', block_id: `concierge:text:${index}`, text: mrkdwn(lines.join('\n')) }
  if (isHttpUrl(item.imageUrl)) {
    section.accessory = { type: 'image', image_url: item.imageUrl, alt_text: truncate(item.title, LIMITS.altText) }
  }
  const value = encodeItemValue(conversationId, item.id)
  const actions: Block = {
    type: 'actions',
    block_id: itemBlockId(index),
    elements: [
      button(ACTION.like, '👍 Like', value, 'primary'),
      button(ACTION.dislike, '👎 Dislike', value),
      button(ACTION.more, 'More like this', value),
      button(ACTION.notInterested, 'Not interested', value),
    ],
  }
  return [section, actions]
}

export interface RenderReplyOptions {
  /** Shown above the reply as context, e.g. what a button click asked for ("<@U1>: more like Heat"). */
  echo?: string
}

/** Renders a chat reply as one Slack message: intro, one section + buttons per item, suggestions as buttons. */
export function renderReply(reply: Reply, conversationId: string, options: RenderReplyOptions = {}): RenderedMessage {
  const blocks: Block[] = []
  if (options.echo) blocks.push({ type: 'context', elements: [mrkdwn(options.echo, LIMITS.contextText)] })
  const intro = reply.text.trim() || (reply.items.length > 0 ? 'Here are a few ideas:' : 'I have nothing to suggest yet.')
  blocks.push({ type: 'section', block_id: 'concierge:intro', text: mrkdwn(escapeMrkdwn(intro)) })
  const items = reply.items.slice(0, MAX_ITEMS)
  items.forEach((item, index) => {
    blocks.push(...renderItem(item, index, conversationId))
  })
  const suggestions = reply.suggestions.filter((s) => s.trim() !== '').slice(0, MAX_SUGGESTIONS)
  if (suggestions.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: 'concierge:suggestions',
      elements: suggestions.map((s, i) => button(`${ACTION.suggest}_${i}`, s, encodeSuggestValue(conversationId, s))),
    })
  }
  const titles = items.map((item, i) => `${i + 1}. ${item.title}${item.year === undefined ? '' : ` (${item.year})`}`)
  // The fallback text is mrkdwn too (and what notifications show): escaped like the blocks, so no `<!channel>`.
  const text = truncateEscaped(escapeMrkdwn([intro, ...titles].join('\n')), LIMITS.fallbackText)
  return { text, blocks }
}

/** A placeholder posted when the recommender is slow; later replaced by the reply. */
export function renderThinking(): RenderedMessage {
  const text = 'Thinking… ⏳'
  return { text, blocks: [{ type: 'section', block_id: 'concierge:thinking', text: mrkdwn(text) }] }
}

/** A kind message posted instead of silence when a turn fails. */
export type FailureKind = 'failed' | 'timeout' | 'unavailable' | 'invalid' | 'restarting' | 'busy'

const FAILURE_TEXT: Record<FailureKind, string> = {
  failed: 'Sorry, something went wrong on my side while looking for ideas. Please try again in a moment.',
  timeout: 'Sorry, that took too long and I gave up. Please try again in a moment.',
  unavailable: 'Sorry, I am not ready to recommend right now (my catalogue is still loading). Please try again soon.',
  invalid: 'Sorry, I could not use that message. Try a shorter description of what you feel like.',
  restarting: 'Sorry, I am restarting and could not finish this one. Please ask again in a minute.',
  busy: 'Sorry, too many people are asking me at once and I could not take this one. Please ask again in a minute.',
}

export function renderFailure(kind: FailureKind): RenderedMessage {
  const text = FAILURE_TEXT[kind]
  return { text, blocks: [{ type: 'section', block_id: 'concierge:error', text: mrkdwn(text) }] }
}

/** A short hint shown when a message has no text to work with (e.g. a bare @mention). */
export function renderUsage(): RenderedMessage {
  const text =
    'Tell me what you feel like or what you need, in your own words, and I suggest a few with reasons. ' +
    'In a channel, mention me and I answer in a thread; `/recommend public …` posts the answer for everyone.'
  return { text, blocks: [{ type: 'section', block_id: 'concierge:usage', text: mrkdwn(text) }] }
}

/**
 * Returns a copy of a reply message's blocks showing that `itemId` was liked, disliked or dismissed:
 * the feedback buttons of that item give way to a state line, "More like this" stays for like/dislike.
 * Blocks that are not ours pass through unchanged. Undefined when the item is not in the message.
 */
export function markItemState(blocks: readonly Block[], itemId: string, state: ItemState, byUser?: string): Block[] | undefined {
  const index = blocks.findIndex(
    (block) =>
      block.type === 'actions' &&
      typeof block.block_id === 'string' &&
      block.block_id.startsWith('concierge:item:') &&
      elementsOf(block).some((el) => decodeItemValue(stringField(el, 'value'))?.i === itemId),
  )
  if (index < 0) return undefined
  const actions = blocks[index]!
  const n = actions.block_id!.slice('concierge:item:'.length)
  const label = byUser ? `${STATE_LABEL[state]} by <@${byUser}>` : STATE_LABEL[state]
  const stateBlock: Block = { type: 'context', block_id: stateBlockId(Number(n)), elements: [mrkdwn(label, LIMITS.contextText)] }
  const kept =
    state === 'not_interested' || state === 'seen'
      ? []
      : elementsOf(actions).filter((el) => !(stringField(el, 'action_id') in FEEDBACK_ACTIONS))
  const next = blocks.filter((block) => block.block_id !== stateBlock.block_id)
  const at = next.indexOf(actions)
  const replacement = kept.length > 0 ? [{ ...actions, elements: kept }, stateBlock] : [stateBlock]
  next.splice(at, 1, ...replacement)
  return next
}

function elementsOf(block: Block): Record<string, unknown>[] {
  return Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : []
}

function stringField(obj: Record<string, unknown>, key: string): string {
  const value = obj[key]
  return typeof value === 'string' ? value : ''
}

const HOME_LIST_MAX = 40

function renderPreferenceList(title: string, items: Item[], empty: string): Block[] {
  const blocks: Block[] = [{ type: 'header', text: plain(title, 150) }]
  if (items.length === 0) {
    blocks.push({ type: 'context', elements: [mrkdwn(empty, LIMITS.contextText)] })
    return blocks
  }
  for (const item of items.slice(0, HOME_LIST_MAX)) {
    blocks.push({
      type: 'section',
      text: mrkdwn(itemHeading(item)),
      accessory: button(ACTION.removePreference, 'Remove', encodePreferenceValue(item.id), 'danger'),
    })
  }
  if (items.length > HOME_LIST_MAX) {
    blocks.push({ type: 'context', elements: [mrkdwn(`…and ${items.length - HOME_LIST_MAX} more.`)] })
  }
  return blocks
}

/** The App Home tab: the user's likes and dislikes, each with a Remove button. At most 100 blocks. */
export function renderHome(profile: UserProfile): { type: 'home'; blocks: Block[] } {
  const blocks: Block[] = [
    {
      type: 'section',
      text: mrkdwn(
        '*Your taste profile.* These are the items you liked or disliked; I use them for your next recommendations. ' +
          'Remove anything that no longer fits. DM me or use `/recommend` to get ideas.',
      ),
    },
    { type: 'divider' },
    ...renderPreferenceList('👍 Likes', profile.likes, 'No likes yet: press 👍 on a recommendation.'),
    { type: 'divider' },
    ...renderPreferenceList('👎 Dislikes', profile.dislikes, 'No dislikes yet.'),
  ]
  return { type: 'home', blocks }
}
