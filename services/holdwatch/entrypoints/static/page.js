// The defenders' desk (served as a file: the page's Content-Security-Policy allows no
// inline script). Without this script the page still works; with it, countdowns tick,
// cards arrive and change without a reload, and acknowledging happens in place.

function pad(n) { return String(n).padStart(2, '0'); }

// Each countdown ticks to its hold deadline; past it, it counts how long the hold is overdue.
function tick() {
  for (const el of document.querySelectorAll('.countdown')) {
    const ms = Date.parse(el.dataset.deadline) - Date.now(), a = Math.abs(ms);
    const h = Math.floor(a / 3600000), m = Math.floor(a % 3600000 / 60000);
    const s = Math.floor(a % 60000 / 1000);
    const t = h + ' h ' + pad(m) + ' m ' + pad(s) + ' s';
    el.textContent = ms >= 0 ? t + ' left' : 'overdue by ' + t;
    el.classList.toggle('overdue', ms < 0);
  }
}

const desk = document.getElementById('desk');
const live = document.getElementById('live');

function announce(text) {
  if (live) live.textContent = text;
}

function refreshGroups() {
  let cards = 0;
  for (const group of document.querySelectorAll('.group')) {
    const n = group.querySelectorAll('.card').length;
    group.hidden = n === 0;
    cards += n;
  }
  const none = document.getElementById('none');
  if (none) none.hidden = cards > 0;
}

// Put a card (HTML from the server) in its place: the group its order names, before the
// first card that sorts after it.
function place(html) {
  const holder = document.createElement('template');
  holder.innerHTML = html.trim();
  const card = holder.content.querySelector('.card');
  if (!card) return null;
  const old = document.getElementById(card.id);
  const open = old ? [...old.querySelectorAll('details[open]')].map(d => d.className) : [];
  if (old) old.remove();
  const group = document.querySelector('.group[data-group="' + card.dataset.order.split(':')[0] + '"] .cards');
  if (!group) return null;
  const after = [...group.querySelectorAll('.card')].find(c => c.dataset.order > card.dataset.order);
  group.insertBefore(card, after || null);
  for (const d of card.querySelectorAll('details')) if (open.includes(d.className)) d.open = true;
  wire(card);
  refreshGroups();
  tick();
  return card;
}

function removeCard(tag) {
  for (const c of document.querySelectorAll('.card')) if (c.dataset.tag === tag) c.remove();
  refreshGroups();
}

async function refreshCard(tag, why) {
  const sep = desk.dataset.card.includes('?') ? '&' : '?';
  const url = desk.dataset.card + sep + 'tag=' + encodeURIComponent(tag);
  const r = await fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } });
  if (r.status === 204) { removeCard(tag); announce(why + ': a booking left the desk.'); return; }
  if (!r.ok) return;
  const card = place(await r.text());
  if (card) {
    card.classList.add('updated');
    const head = card.querySelector('h3');
    announce(why + ': ' + (head ? head.textContent.replace(/\s+/g, ' ').trim() : 'a booking'));
  }
}

// Acknowledge in place: the same form, posted by fetch; the server answers with the card.
function wire(root) {
  for (const form of root.querySelectorAll('form.ack-form')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button');
      if (button) button.disabled = true;
      try {
        const r = await fetch(form.action + location.search, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'X-Holdwatch-Fetch': '1', 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(new FormData(form)),
        });
        if (r.status === 200) {
          const card = place(await r.text());
          const done = card && card.querySelector('.acked');
          announce('Acknowledged.');
          if (done) { done.tabIndex = -1; done.focus(); }
        } else if (r.status === 204) {
          announce('Acknowledged.');
        } else {
          form.submit();  // let the server say what went wrong, as without script
        }
      } catch (e) {
        form.submit();
      }
    });
  }
}

if (desk) {
  wire(document);
  const source = new EventSource(desk.dataset.stream);
  const pending = new Map();
  source.addEventListener('finding', (event) => {
    const data = JSON.parse(event.data);
    const why = data.change === 'new' ? 'New finding ' + data.code : 'Update ' + data.code;
    clearTimeout(pending.get(data.tag));  // a burst for one booking: one fetch
    pending.set(data.tag, setTimeout(() => { pending.delete(data.tag); refreshCard(data.tag, why); }, 150));
  });
  source.addEventListener('signed-out', () => { source.close(); announce('Signed out: live updates stopped.'); });
}
tick();
setInterval(tick, 1000);
