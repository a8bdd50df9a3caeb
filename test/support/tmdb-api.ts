import { type ImitationServer, startImitationServer } from './imitation-server.ts'

export interface TmdbMovieFixture {
  title: string
  overview: string
  runtime: number
  vote_count: number
  keywords: string[]
  companies: string[]
}

export interface TmdbImitationOptions {
  /** The accepted v3 key (as `api_key`) or v4 token (as a bearer token). */
  apiKey: string
  movies: Record<number, TmdbMovieFixture>
  /** Answers 429 with this Retry-After (seconds) to the first request for each listed id. */
  rateLimitOnce?: { ids: number[]; retryAfterSeconds: string }
  /** After this many movie answers, every request gets a 503 (a run that dies midway). */
  failAfter?: number
}

/**
 * An imitation of TMDB's `GET /3/movie/{id}?append_to_response=keywords`: the answer's shape (keywords nested
 * under `keywords.keywords`, production companies with ids and logos), 401 for a wrong key, 404 for an unknown
 * id, and optional 429s with Retry-After or a hard failure partway.
 */
export async function startTmdbImitation(options: TmdbImitationOptions): Promise<ImitationServer & { answered: number[] }> {
  const answered: number[] = []
  const limited = new Set<number>()
  const server = await startImitationServer((req, res, url) => {
    const match = /^\/3\/movie\/(\d+)$/.exec(url.pathname)
    if (!match) return false
    const key = url.searchParams.get('api_key') ?? req.headers.authorization?.replace(/^Bearer /, '')
    if (key !== options.apiKey) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"status_code":7,"success":false}')
      return true
    }
    const id = Number(match[1])
    if (options.failAfter !== undefined && answered.length >= options.failAfter) {
      res.writeHead(503).end('unavailable')
      return true
    }
    if (options.rateLimitOnce?.ids.includes(id) && !limited.has(id)) {
      limited.add(id)
      res.writeHead(429, { 'retry-after': options.rateLimitOnce.retryAfterSeconds }).end('{"status_code":25}')
      return true
    }
    const movie = options.movies[id]
    if (!movie) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status_code":34}')
      return true
    }
    answered.push(id)
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tmdbAnswer(id, movie)))
    return true
  })
  return Object.assign(server, { answered })
}

function tmdbAnswer(id: number, movie: TmdbMovieFixture) {
  return {
    adult: false,
    id,
    title: movie.title,
    overview: movie.overview,
    runtime: movie.runtime,
    vote_average: 7.5,
    vote_count: movie.vote_count,
    genres: [{ id: 16, name: 'Animation' }],
    production_companies: movie.companies.map((name, i) => ({ id: 100 + i, logo_path: null, name, origin_country: 'US' })),
    keywords: { keywords: movie.keywords.map((name, i) => ({ id: 1000 + i, name })) },
  }
}
