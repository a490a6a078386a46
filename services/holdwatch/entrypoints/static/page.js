// The defenders' page: each countdown ticks to its hold deadline (served as a file: the
// page's Content-Security-Policy allows no inline script).
function tick() {
  for (const el of document.querySelectorAll('.countdown')) {
    const ms = Date.parse(el.dataset.deadline) - Date.now(), a = Math.abs(ms);
    const h = Math.floor(a / 3600000), m = Math.floor(a % 3600000 / 60000);
    const s = Math.floor(a % 60000 / 1000);
    const t = h + ' h ' + String(m).padStart(2, '0') + ' m ' + String(s).padStart(2, '0') + ' s';
    el.textContent = ms >= 0 ? t + ' left' : 'overdue by ' + t;
    el.classList.toggle('overdue', ms < 0);
  }
}
tick();
setInterval(tick, 1000);
