/** The OpenAPI 3.1 description of the HTTP API, served at /openapi.json. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const errorRef = { $ref: '#/components/responses/Error' }
  const json = (schema: unknown) => ({ 'application/json': { schema } })
  const conversationId = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'Conversation id chosen by the client (the widget uses a random UUID per tab).',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,128}$' },
  }
  const commonErrors = { '400': errorRef, '401': errorRef, '403': errorRef, '413': errorRef, '429': errorRef, '503': errorRef }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Concierge HTTP API',
      version: '1',
      description:
        'Chat with the recommender, send feedback, read items. Browsers send a publishable key in X-Concierge-Key ' +
        '(allowed origins per key); servers send a secret key as `Authorization: Bearer …`. Errors are ' +
        '`{ error: { code, message, requestId } }`; every response carries X-Request-Id.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ publishableKey: [] }, { secretKey: [] }],
    paths: {
      '/v1/conversations/{id}/messages': {
        post: {
          summary: 'Send a message; get the reply (JSON, or a UI message stream over SSE)',
          description:
            'With `?stream=1` or `Accept: text/event-stream` the reply streams as Server-Sent Events in the Vercel AI SDK UI ' +
            'message stream format (header `x-vercel-ai-ui-message-stream: v1`): `start`, `text-start`, `text-delta`…, ' +
            '`text-end`, `data-items` (data: Item[]), `data-suggestions` (data: string[]), `finish`, then `data: [DONE]`. ' +
            'A failure after the stream started is an `error` part with `errorText`. When too many turns are waiting the ' +
            'message is refused with 503 and Retry-After before anything streams. With an `Idempotency-Key`, a retry of ' +
            'the same message in the same conversation within 24 h gets the stored reply (header `Idempotent-Replayed: true`) ' +
            'and the turn does not run again; the same key with another message is a 400.',
          parameters: [
            conversationId,
            { name: 'stream', in: 'query', schema: { type: 'string', enum: ['1'] } },
            {
              name: 'Idempotency-Key',
              in: 'header',
              description: 'A client-chosen id for this message (a UUID), so a retry after a lost response is answered once.',
              schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
            },
          ],
          requestBody: { required: true, content: json({ $ref: '#/components/schemas/MessageRequest' }) },
          responses: {
            '200': {
              description: 'The reply',
              content: {
                ...json({ type: 'object', required: ['reply'], properties: { reply: { $ref: '#/components/schemas/Reply' } } }),
                'text/event-stream': { schema: { type: 'string' } },
              },
            },
            ...commonErrors,
          },
        },
      },
      '/v1/conversations/{id}/feedback': {
        post: {
          summary: 'Feedback on a recommended item (changes the session at once)',
          parameters: [conversationId],
          requestBody: { required: true, content: json({ $ref: '#/components/schemas/FeedbackRequest' }) },
          responses: {
            '200': { description: 'Recorded', content: json({ type: 'object', properties: { ok: { const: true } } }) },
            '404': errorRef,
            ...commonErrors,
          },
        },
      },
      '/v1/conversations/{id}/opened': {
        post: {
          summary: 'A person opened a recommended item (an outcome of its impression, and training data like a view)',
          parameters: [conversationId],
          requestBody: { required: true, content: json({ $ref: '#/components/schemas/OpenedRequest' }) },
          responses: {
            '200': { description: 'Recorded', content: json({ type: 'object', properties: { ok: { const: true } } }) },
            '404': errorRef,
            ...commonErrors,
          },
        },
      },
      '/v1/items': {
        post: {
          summary: 'Add or replace up to 1,000 items while serving (secret key only); searchable when this answers',
          security: [{ secretKey: [] }],
          requestBody: {
            required: true,
            content: json({
              description: 'One item, or { items: [...] } with up to 1,000, in the generic item shape of items.jsonl',
              type: 'object',
            }),
          },
          responses: {
            '200': {
              description: 'Stored and served',
              content: json({ type: 'object', properties: { upserted: { type: 'integer' } } }),
            },
            ...commonErrors,
          },
        },
      },
      '/v1/items/{id}': {
        get: {
          summary: 'One catalogue item',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'The item',
              content: json({ type: 'object', properties: { item: { $ref: '#/components/schemas/CatalogItem' } } }),
            },
            '404': errorRef,
            ...commonErrors,
          },
        },
        delete: {
          summary: 'Remove an item from recommendations at once (secret key only); kept out of the next rebuild',
          security: [{ secretKey: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '204': { description: 'Removed' }, '404': errorRef, ...commonErrors },
        },
      },
      '/v1/events': {
        post: {
          summary: "Record up to 1,000 interactions (secret key only); the users' next turns reflect them",
          security: [{ secretKey: [] }],
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['events'],
              properties: {
                events: {
                  type: 'array',
                  minItems: 1,
                  maxItems: 1000,
                  items: {
                    type: 'object',
                    required: ['userId', 'itemId', 'type'],
                    properties: {
                      userId: { type: 'string' },
                      itemId: { type: 'string' },
                      type: { enum: ['like', 'dislike', 'view', 'click', 'purchase', 'rating'] },
                      value: { type: 'number', description: 'A rating on a 0–5 scale (required for type rating)' },
                      timestamp: { description: 'Seconds since the epoch or an ISO date (default: now)' },
                    },
                  },
                },
              },
            }),
          },
          responses: {
            '200': { description: 'Recorded', content: json({ type: 'object', properties: { recorded: { type: 'integer' } } }) },
            ...commonErrors,
          },
        },
      },
      '/v1/users/{id}': {
        delete: {
          summary: 'Forget a user: every session, feedback and interaction (secret key only)',
          security: [{ secretKey: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '204': { description: 'Forgotten' }, ...commonErrors },
        },
      },
      '/v1/admin/overview': {
        get: {
          summary:
            'What the operator page at /admin shows: metric samples over time, the A/B report, most shown and liked items, recent conversations and build swaps (secret key only)',
          security: [{ secretKey: [] }],
          responses: { '200': { description: 'The overview', content: json({ type: 'object' }) }, ...commonErrors },
        },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'Alive' } } } },
      '/readyz': {
        get: {
          summary: 'Readiness: a build is loaded and the server is not draining',
          security: [],
          responses: { '200': { description: 'Ready (buildId, itemCount)' }, '503': { description: 'Loading or draining' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (secret key as Bearer when any secret key is configured)',
          security: [{}, { secretKey: [] }],
          responses: {
            '200': { description: 'Text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        publishableKey: { type: 'apiKey', in: 'header', name: 'X-Concierge-Key' },
        secretKey: { type: 'http', scheme: 'bearer' },
      },
      responses: {
        Error: {
          description: 'An error with a stable code',
          headers: { 'Retry-After': { description: 'Seconds to wait (429, 503)', schema: { type: 'integer' } } },
          content: json({ $ref: '#/components/schemas/Error' }),
        },
      },
      schemas: {
        MessageRequest: {
          type: 'object',
          required: ['text'],
          properties: {
            text: { type: 'string', minLength: 1, maxLength: 2000 },
            userId: {
              type: 'string',
              pattern: '^[A-Za-z0-9_.:@-]{1,128}$',
              description:
                'Browser callers: an anonymous id kept by the widget (stored as `web:<publishable key>:<id>`, so each site has its own users). Secret keys: your user id.',
            },
          },
        },
        FeedbackRequest: {
          type: 'object',
          required: ['itemId', 'kind'],
          properties: {
            itemId: { type: 'string' },
            kind: { type: 'string', enum: ['like', 'dislike', 'seen', 'not_interested'] },
            userId: { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,128}$' },
          },
        },
        OpenedRequest: {
          type: 'object',
          required: ['itemId'],
          properties: {
            itemId: { type: 'string' },
            userId: { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,128}$' },
          },
        },
        Reply: {
          type: 'object',
          required: ['text', 'items', 'suggestions'],
          properties: {
            text: { type: 'string' },
            items: { type: 'array', items: { $ref: '#/components/schemas/ReplyItem' } },
            suggestions: { type: 'array', items: { type: 'string' } },
          },
        },
        ReplyItem: {
          type: 'object',
          required: ['id', 'title', 'categories', 'explanation'],
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            year: { type: 'integer' },
            categories: { type: 'array', items: { type: 'string' } },
            imageUrl: { type: 'string', format: 'uri' },
            explanation: { type: 'string' },
            scores: {
              type: 'object',
              additionalProperties: { type: 'number' },
              description: 'Score parts (semantic, collaborative, …); secret keys only.',
            },
          },
        },
        CatalogItem: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            year: { type: 'integer' },
            categories: { type: 'array', items: { type: 'string' } },
            imageUrl: { type: 'string' },
            description: { type: 'string' },
            tags: { type: 'array', items: { type: 'string' } },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', examples: ['input.invalid', 'auth.unauthorized', 'auth.origin_refused', 'rate.limited'] },
                message: { type: 'string' },
                requestId: { type: 'string' },
                details: { type: 'object' },
              },
            },
          },
        },
      },
    },
  }
}
