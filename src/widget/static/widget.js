/* Concierge chat widget. Plain JS, no build step.
 * Embed: <script src="https://HOST/widget.js" data-key="pk_…" defer></script>  (adds a floating chat button)
 *    or: <concierge-chat key="pk_…"></concierge-chat> placed where the chat should appear (plus the script tag).
 * Attributes: key (publishable key), api (API origin; default: where widget.js came from), floating.
 */
;(() => {
  'use strict'
  if (window.customElements.get('concierge-chat')) return

  var script = document.currentScript
  var scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin
  var scriptKey = script && script.dataset ? script.dataset.key : undefined

  var CSS = [
    ':host { all: initial; display: block; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;',
    '  font-size: 15px; line-height: 1.4; color: #1d2330; --accent: var(--concierge-accent, #3056d3); }',
    ':host([floating]) { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; }',
    '*, *::before, *::after { box-sizing: border-box; }',
    '.panel { display: flex; flex-direction: column; height: 100%; min-height: 320px; width: 100%;',
    '  background: #fff; border: 1px solid #d6dae3; border-radius: 12px; overflow: hidden; }',
    ':host([floating]) .panel { width: min(400px, calc(100vw - 32px)); height: min(600px, calc(100vh - 96px)); margin-bottom: 8px;',
    '  box-shadow: 0 8px 30px rgba(0,0,0,.18); }',
    ':host([floating]) .panel[hidden] { display: none; }',
    'header { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 10px 14px;',
    '  border-bottom: 1px solid #e4e7ee; }',
    'h2 { margin: 0; font-size: 16px; }',
    '.log { flex: 1; overflow-y: auto; padding: 12px 14px; display: flex; flex-direction: column; gap: 10px; }',
    '.msg { max-width: 88%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }',
    '.user { align-self: flex-end; background: var(--accent); color: #fff; border-bottom-right-radius: 4px; }',
    '.bot { align-self: flex-start; background: #eef0f5; border-bottom-left-radius: 4px; }',
    '.bot[aria-busy="true"]::after { content: "\\2026"; }',
    '.error { align-self: stretch; background: #fdecec; color: #8a1c1c; }',
    '.cards { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; align-self: stretch; }',
    '.card { display: flex; gap: 10px; border: 1px solid #e0e3ea; border-radius: 10px; padding: 10px; }',
    '.card img { width: 56px; height: 84px; object-fit: cover; border-radius: 6px; flex: none; background: #eef0f5; }',
    '.card .body { min-width: 0; flex: 1; }',
    '.card h3 { margin: 0; font-size: 15px; }',
    '.year { color: #5b6478; font-weight: normal; }',
    '.cats { margin: 2px 0 0; color: #5b6478; font-size: 13px; }',
    '.why { margin: 6px 0 0; font-size: 14px; }',
    '.about { margin: 6px 0 0; font-size: 13px; color: #3a4152; }',
    '.actions { display: flex; gap: 6px; margin-top: 8px; flex-wrap: wrap; }',
    'button { font: inherit; cursor: pointer; border-radius: 999px; border: 1px solid #c5cad6; background: #fff; color: #1d2330;',
    '  padding: 4px 12px; min-height: 32px; }',
    'button:hover { border-color: var(--accent); }',
    'button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }',
    'button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }',
    'button:disabled { opacity: .6; cursor: default; }',
    '.chips { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 14px 8px; }',
    '.chips:empty { display: none; }',
    'form { display: flex; gap: 8px; padding: 10px 14px; border-top: 1px solid #e4e7ee; }',
    'input { flex: 1; min-width: 0; font: inherit; padding: 8px 12px; border: 1px solid #c5cad6; border-radius: 999px; }',
    '.send { background: var(--accent); border-color: var(--accent); color: #fff; }',
    '.launcher { background: var(--accent); color: #fff; border: none; padding: 12px 18px; box-shadow: 0 4px 14px rgba(0,0,0,.2); float: right; }',
    '.sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }',
  ].join('\n')

  var sheet
  function applyStyles(root) {
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet()
        sheet.replaceSync(CSS)
      }
      root.adoptedStyleSheets = [sheet]
    } catch (_) {
      var style = document.createElement('style')
      style.textContent = CSS
      root.appendChild(style)
    }
  }

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID()
    var bytes = new Uint8Array(16)
    crypto.getRandomValues(bytes)
    return Array.prototype.map.call(bytes, (b) => (b + 256).toString(16).slice(1)).join('')
  }

  function stored(area, name, make) {
    try {
      var store = window[area]
      var value = store.getItem(name)
      if (!value) {
        value = make()
        store.setItem(name, value)
      }
      return value
    } catch (_) {
      return make()
    }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag)
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k])
    if (text !== undefined) node.textContent = text
    return node
  }

  class ConciergeChat extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return
      var root = this.attachShadow({ mode: 'open' })
      applyStyles(root)
      this.key = this.getAttribute('key') || this.dataset.key || scriptKey || 'demo'
      this.api = (this.getAttribute('api') || scriptOrigin).replace(/\/+$/, '')
      // The anonymous person lives as long as the browser keeps localStorage; the conversation as long as the tab.
      this.userId = stored('localStorage', 'concierge:user', randomId)
      this.conversationId = stored('sessionStorage', 'concierge:conversation:' + this.key, randomId)
      this.busy = false

      var panel = el('section', { class: 'panel', 'aria-labelledby': 'concierge-title' })
      var header = el('header')
      header.appendChild(el('h2', { id: 'concierge-title' }, this.getAttribute('heading') || 'Concierge'))
      var restart = el('button', { type: 'button', class: 'new' }, 'New chat')
      restart.addEventListener('click', () => this.restart())
      header.appendChild(restart)
      this.log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' })
      this.chips = el('div', { class: 'chips', role: 'group', 'aria-label': 'Suggestions' })
      var form = el('form')
      var label = el('label', { for: 'concierge-input', class: 'sr' }, 'Message')
      this.input = el('input', {
        id: 'concierge-input',
        type: 'text',
        autocomplete: 'off',
        maxlength: '2000',
        placeholder: this.getAttribute('placeholder') || 'What are you looking for?',
      })
      this.sendButton = el('button', { type: 'submit', class: 'send' }, 'Send')
      form.append(label, this.input, this.sendButton)
      form.addEventListener('submit', (event) => {
        event.preventDefault()
        this.send(this.input.value)
      })
      panel.append(header, this.log, this.chips, form)

      if (this.hasAttribute('floating')) {
        var launcher = el('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false' }, 'Chat')
        panel.hidden = true
        launcher.addEventListener('click', () => {
          panel.hidden = !panel.hidden
          launcher.setAttribute('aria-expanded', String(!panel.hidden))
          launcher.textContent = panel.hidden ? 'Chat' : 'Close chat'
          if (!panel.hidden) this.input.focus()
        })
        root.append(panel, launcher)
      } else {
        root.append(panel)
      }
      this.addBot(this.getAttribute('greeting') || 'Hi! Tell me what you are in the mood for, and I will suggest a few.')
    }

    restart() {
      this.conversationId = randomId()
      try {
        sessionStorage.setItem('concierge:conversation:' + this.key, this.conversationId)
      } catch (_) {}
      this.log.textContent = ''
      this.chips.textContent = ''
      this.addBot('New conversation. What would you like?')
      this.input.focus()
    }

    headers() {
      return { 'Content-Type': 'application/json', 'X-Concierge-Key': this.key }
    }

    addBot(text) {
      var node = el('div', { class: 'msg bot' }, text)
      this.log.appendChild(node)
      this.scroll()
      return node
    }

    addError(text) {
      var node = el('div', { class: 'msg error', role: 'alert' }, text)
      this.log.appendChild(node)
      this.scroll()
    }

    scroll() {
      this.log.scrollTop = this.log.scrollHeight
    }

    setBusy(busy) {
      this.busy = busy
      this.sendButton.disabled = busy
      Array.prototype.forEach.call(this.chips.querySelectorAll('button'), (b) => {
        b.disabled = busy
      })
    }

    async send(raw) {
      var text = (raw || '').trim()
      if (!text || this.busy) return
      this.input.value = ''
      this.chips.textContent = ''
      this.log.appendChild(el('div', { class: 'msg user' }, text))
      this.scroll()
      this.setBusy(true)
      var bubble = el('div', { class: 'msg bot', 'aria-busy': 'true' })
      this.log.appendChild(bubble)
      try {
        var res = await fetch(this.api + '/v1/conversations/' + encodeURIComponent(this.conversationId) + '/messages?stream=1', {
          method: 'POST',
          headers: Object.assign({ Accept: 'text/event-stream' }, this.headers()),
          body: JSON.stringify({ text: text, userId: this.userId }),
        })
        if (!res.ok || !res.body) throw await this.failure(res)
        await this.readStream(res.body, bubble)
      } catch (error) {
        if (!bubble.textContent) bubble.remove()
        this.addError(error && error.userMessage ? error.userMessage : 'Sorry, the connection failed. Please try again.')
      } finally {
        bubble.setAttribute('aria-busy', 'false')
        this.setBusy(false)
        this.scroll()
      }
    }

    async failure(res) {
      var message = 'Sorry, something went wrong (' + res.status + ').'
      try {
        var body = await res.json()
        if (body && body.error) {
          if (res.status === 429) {
            var wait = res.headers.get('Retry-After')
            message = 'Too many messages at once. Please wait ' + (wait || 'a few') + ' seconds.'
          } else if (res.status < 500) {
            message = body.error.message
          }
        }
      } catch (_) {}
      var error = new Error(message)
      error.userMessage = message
      return error
    }

    async readStream(stream, bubble) {
      var reader = stream.getReader()
      var decoder = new TextDecoder()
      var buffer = ''
      var done = false
      while (!done) {
        var chunk = await reader.read()
        if (chunk.done) break
        buffer += decoder.decode(chunk.value, { stream: true })
        var cut = buffer.indexOf('\n\n')
        while (cut >= 0) {
          var event = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          if (this.handleEvent(event, bubble) === 'done') done = true
          cut = buffer.indexOf('\n\n')
        }
      }
      if (!done) reader.cancel().catch(() => {})
    }

    handleEvent(event, bubble) {
      var data = event
        .split('\n')
        .filter((line) => line.indexOf('data:') === 0)
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n')
      if (!data) return
      if (data === '[DONE]') return 'done'
      var part
      try {
        part = JSON.parse(data)
      } catch (_) {
        return
      }
      if (part.type === 'text-delta') {
        bubble.textContent += part.delta
        this.scroll()
      } else if (part.type === 'data-items') {
        this.renderItems(part.data || [])
      } else if (part.type === 'data-suggestions') {
        this.renderSuggestions(part.data || [])
      } else if (part.type === 'error') {
        var err = new Error(part.errorText)
        err.userMessage = 'Sorry: ' + String(part.errorText || 'something went wrong').replace(/\s*\[[a-z_.]+\]$/, '')
        throw err
      }
    }

    renderItems(items) {
      if (!items.length) return
      var list = el('ul', { class: 'cards', 'aria-label': 'Recommendations' })
      items.forEach((item) => {
        var card = el('li', { class: 'card' })
        if (item.imageUrl && /^https?:/.test(item.imageUrl)) {
          card.appendChild(el('img', { src: item.imageUrl, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' }))
        }
        var body = el('div', { class: 'body' })
        var title = el('h3', null, item.title)
        if (item.year) {
          title.appendChild(document.createTextNode(' '))
          title.appendChild(el('span', { class: 'year' }, '(' + item.year + ')'))
        }
        body.appendChild(title)
        if (item.categories && item.categories.length) body.appendChild(el('p', { class: 'cats' }, item.categories.join(' · ')))
        if (item.explanation) body.appendChild(el('p', { class: 'why' }, item.explanation))
        var actions = el('div', { class: 'actions', role: 'group', 'aria-label': 'Feedback on ' + item.title })
        var like = el('button', { type: 'button', 'aria-pressed': 'false', 'data-kind': 'like' }, 'Like')
        var dislike = el('button', { type: 'button', 'aria-pressed': 'false', 'data-kind': 'dislike' }, 'Dislike')
        like.setAttribute('aria-label', 'Like ' + item.title)
        dislike.setAttribute('aria-label', 'Dislike ' + item.title)
        like.addEventListener('click', () => this.feedback(item, 'like', like, dislike))
        dislike.addEventListener('click', () => this.feedback(item, 'dislike', dislike, like))
        var more = el('button', { type: 'button', 'data-kind': 'more' }, 'More like this')
        more.setAttribute('aria-label', 'More like ' + item.title)
        more.addEventListener('click', () => this.send('more like ' + item.title))
        var details = el('button', { type: 'button', 'aria-expanded': 'false', 'data-kind': 'details' }, 'Details')
        details.setAttribute('aria-label', 'Details of ' + item.title)
        var about = el('p', { class: 'about', hidden: '' })
        details.addEventListener('click', () => this.details(item, details, about))
        actions.append(like, dislike, more, details)
        body.append(about, actions)
        card.appendChild(body)
        list.appendChild(card)
      })
      this.log.appendChild(list)
      this.scroll()
    }

    renderSuggestions(suggestions) {
      this.chips.textContent = ''
      suggestions.slice(0, 6).forEach((text) => {
        var chip = el('button', { type: 'button', class: 'chip' }, text)
        chip.addEventListener('click', () => this.send(text))
        this.chips.appendChild(chip)
      })
    }

    /** Shows (or hides) the item's description, and tells the server the item was opened (once per card). */
    async details(item, button, about) {
      if (button.getAttribute('aria-expanded') === 'true') {
        button.setAttribute('aria-expanded', 'false')
        about.hidden = true
        return
      }
      button.disabled = true
      try {
        if (!about.textContent) {
          var res = await fetch(this.api + '/v1/items/' + encodeURIComponent(item.id), { headers: this.headers() })
          if (!res.ok) throw await this.failure(res)
          var body = await res.json()
          about.textContent = (body.item && body.item.description) || 'No description.'
          this.opened(item)
        }
        about.hidden = false
        button.setAttribute('aria-expanded', 'true')
      } catch (error) {
        this.addError(error && error.userMessage ? error.userMessage : 'Sorry, the details could not be loaded.')
      } finally {
        button.disabled = false
      }
    }

    /** Opening an item is an outcome of its recommendation; a failure to record it is not the person's concern. */
    opened(item) {
      var url = this.api + '/v1/conversations/' + encodeURIComponent(this.conversationId) + '/opened'
      fetch(url, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify({ itemId: item.id, userId: this.userId }),
      }).catch(() => {})
    }

    async feedback(item, kind, button, other) {
      if (button.getAttribute('aria-pressed') === 'true') return
      button.disabled = true
      try {
        var res = await fetch(this.api + '/v1/conversations/' + encodeURIComponent(this.conversationId) + '/feedback', {
          method: 'POST',
          headers: this.headers(),
          body: JSON.stringify({ itemId: item.id, kind: kind, userId: this.userId }),
        })
        if (!res.ok) throw await this.failure(res)
        button.setAttribute('aria-pressed', 'true')
        button.textContent = kind === 'like' ? '\u2713 Liked' : '\u2713 Disliked'
        other.setAttribute('aria-pressed', 'false')
        other.textContent = kind === 'like' ? 'Dislike' : 'Like'
      } catch (error) {
        this.addError(error && error.userMessage ? error.userMessage : 'Sorry, your feedback was not saved.')
      } finally {
        button.disabled = false
      }
    }
  }

  window.customElements.define('concierge-chat', ConciergeChat)

  // A bare script tag with data-key and no <concierge-chat> on the page adds a floating chat.
  function autoMount() {
    if (!scriptKey || document.querySelector('concierge-chat')) return
    var node = document.createElement('concierge-chat')
    node.setAttribute('key', scriptKey)
    node.setAttribute('floating', '')
    document.body.appendChild(node)
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', autoMount)
  else autoMount()
})()
