import type { Item } from '../../src/core/index.ts'

/** A plain film for recommender unit tests: "Film <id>", the description and tags given, nothing else. */
export const film = (id: string, description: string, tags: string[] = []): Item => ({
  id,
  title: `Film ${id}`,
  description,
  tags,
  categories: [],
  metadata: {},
})
