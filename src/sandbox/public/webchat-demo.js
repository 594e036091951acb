// The web chat demo page: Microsoft's Web Chat (window.WebChat, served from /webchat/webchat.js)
// against this service's Direct Line API. For a demo customer the page first gets a user token
// (as the operator's website would sign one for a logged-in customer) and exchanges it for a
// Direct Line token; an anonymous visitor gets a token without one.
(() => {
  const picker = document.getElementById('chat-as');
  const host = document.getElementById('webchat');
  const problem = document.getElementById('problem');
  const nonce = document.querySelector('meta[name="csp-nonce"]').content;
  const ANONYMOUS = '';
  let customers = [];
  let store;
  let directLine;
  let session = 0;

  function show(message) {
    problem.hidden = !message;
    problem.textContent = message || '';
  }

  async function postJson(url, body, token) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body || {}) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((data.error && data.error.message) || 'HTTP ' + response.status);
    return data;
  }

  /** A Direct Line token for a new conversation, as the chosen person. */
  async function directLineToken(customer) {
    if (!customer) return postJson('/v3/directline/tokens/generate');
    const { userToken } = await postJson('/dev/webchat/user-token', { customerId: customer.id });
    return postJson('/v3/directline/tokens/generate', {}, userToken);
  }

  function describe(customer) {
    document.getElementById('who').textContent = customer ? customer.name : 'Anonymous visitor';
    document.getElementById('identity').textContent = customer
      ? 'Signed in by the website as ' + customer.name + ' (' + customer.phone + '): the bot knows who is chatting.'
      : 'Not signed in: ask about offers or help. Ask about an account and the bot signs you in with a code texted to the number on file.';
    const timeline = document.getElementById('timeline');
    timeline.hidden = !customer;
    document.getElementById('timeline-note').hidden = !customer;
    timeline.href = customer ? '/console/customers/' + customer.id : '#';
  }

  // A reload keeps the visitor's conversation, as Direct Line reconnects do: the page keeps the
  // conversation id and its token (refreshed as Web Chat refreshes it) in sessionStorage, per
  // tab and per person chosen, and resumes from the start of the conversation's stream, so the
  // new page shows the whole conversation again.
  function savedKey() {
    return 'telcobot.webchat.' + (picker.value || 'anonymous');
  }

  function saved() {
    try {
      const value = JSON.parse(sessionStorage.getItem(savedKey()) || 'null');
      return value && typeof value.conversationId === 'string' && typeof value.token === 'string' ? value : null;
    } catch {
      return null;
    }
  }

  function save(conversationId, token) {
    try {
      sessionStorage.setItem(savedKey(), JSON.stringify({ conversationId, token }));
    } catch {
      // Storage refused (private mode): the chat works, only a reload starts afresh.
    }
  }

  /** The saved conversation with a fresh token, or null when there is none or it has expired. */
  async function resumable() {
    const previous = saved();
    if (!previous) return null;
    try {
      const { token } = await postJson('/v3/directline/tokens/refresh', {}, previous.token);
      return { conversationId: previous.conversationId, token };
    } catch {
      sessionStorage.removeItem(savedKey());
      return null;
    }
  }

  async function startChat(options) {
    const mine = ++session;
    const customer = customers.find((c) => c.id === picker.value);
    describe(customer);
    show('');
    if (directLine) directLine.end();
    // A fresh element per chat: Web Chat does not switch conversations in place.
    const mount = document.createElement('div');
    mount.className = 'mount';
    host.replaceChildren(mount);
    try {
      if (options && options.fresh) sessionStorage.removeItem(savedKey());
      const resumed = await resumable();
      const { token, conversationId } = resumed || (await directLineToken(customer));
      if (mine !== session) return;
      directLine = window.WebChat.createDirectLine({ domain: location.origin + '/v3/directline', token, webSocket: true, ...(resumed ? { conversationId } : {}) });
      save(conversationId, token);
      const current = directLine;
      // Web Chat refreshes the token every 15 minutes: keep the newest for the next reload.
      // An ended conversation (a new chat started) ends this stream with an error: nothing to save then.
      directLine.activity$.subscribe({ next: () => save(conversationId, current.token || token), error: () => undefined });
      directLine.connectionStatus$.subscribe((status) => {
        document.getElementById('status').textContent = ['not connected', 'connecting', 'online', 'token expired', 'failed to connect', 'ended'][status] || '';
      });
      store = window.WebChat.createStore();
      window.WebChat.renderWebChat(
        {
          directLine,
          store,
          nonce,
          locale: 'en-US',
          styleOptions: { hideUploadButton: true, botAvatarInitials: 'NT', userAvatarInitials: customer ? initials(customer.name) : 'You', rootHeight: '100%' },
        },
        mount,
      );
    } catch (error) {
      show('Could not start the chat: ' + error.message);
    }
  }

  function initials(name) {
    return name.split(/\s+/).map((part) => part[0]).join('').slice(0, 2).toUpperCase();
  }

  async function start() {
    if (!window.WebChat) {
      show('The Web Chat bundle is missing: run "npm run setup" (or "npm run webchat:fetch") and reload.');
      return;
    }
    const response = await fetch('/dev/demo/customers');
    customers = (await response.json()).customers;
    picker.add(new Option('Anonymous visitor', ANONYMOUS));
    for (const c of customers) picker.add(new Option(c.name + ' (' + c.phone + ')', c.id));
    // Signed in by default: the newcomer sees what the bot does for a customer.
    if (customers[0]) picker.value = customers[0].id;
    await startChat();
  }

  picker.addEventListener('change', () => startChat());
  document.getElementById('restart').addEventListener('click', () => startChat({ fresh: true }));
  for (const button of document.querySelectorAll('.try button')) {
    button.addEventListener('click', () => store && store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: button.textContent } }));
  }
  start();
})();
