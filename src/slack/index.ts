/**
 * The Slack front end: Bolt app (HTTP Events API or Socket Mode) carrying Slack messages, slash commands, button
 * clicks and App Home to the ChatService, and replies back as Block Kit. Transport only: no dialogue logic here.
 *
 * Conversations: a DM is one conversation (`team:channel`), a DM thread its own (`team:channel:thread_ts`); a
 * channel thread started by an @mention is one conversation (`team:channel:thread_ts`); `/recommend` keeps one per
 * user and channel (`team:channel:cmd:user`). A person is `team:user`.
 */
export { createSlackBot, SLACK_APP_REQUIREMENTS, type SlackBot, type SlackBotDeps, type SlackBotOptions } from './bot.ts'
