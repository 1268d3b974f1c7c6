// Jejak's verification page. Every record is checked here, on this
// device, by Jejak's own code compiled to WebAssembly (verify.wasm): the
// relay that serves this page only carries the records, and a record it
// changed is caught. Trust anchors are the reader's own (saved on this
// device), never the relay's.
'use strict';

const $ = id => document.getElementById(id);
const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
};
const svg = (tag, attrs) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
};

const state = { batch: '', lot: '', bytes: null, offline: false, fileName: '', network: '' };

// --- where we are -------------------------------------------------------
function parseLocation() {
  const parts = location.pathname.split('/').filter(Boolean);
  const q = new URLSearchParams(location.search);
  if (parts.length >= 2 && parts[0].toLowerCase() === 'b') {
    state.batch = decodeURIComponent(parts.slice(1).join('/')).toLowerCase();
  } else if (parts[0] === '01') {
    for (let i = 2; i + 1 < parts.length; i += 2) if (parts[i] === '10') state.lot = decodeURIComponent(parts[i + 1]);
    state.batch = (q.get('jb') || '').toLowerCase();
    if (!state.batch) {
      showError('This label is a GS1 link for product ' + (parts[1] || '?') + (state.lot ? ', lot ' + state.lot : '') +
        ', but it names no Jejak batch. Ask the seller for the batch ID or a capsule file.');
    }
  }
  const h = new URLSearchParams(location.hash.slice(1));
  const sug = (h.get('anchors') || '').split(',').map(s => s.trim()).filter(Boolean);
  if (sug.length) showSuggested(sug);
}

// --- anchors: the reader's own ------------------------------------------
function savedAnchors() {
  try {
    const v = JSON.parse(localStorage.getItem('jejak.anchors') || '[]');
    return Array.isArray(v) ? v.filter(a => a && typeof a.key === 'string') : [];
  } catch (e) { return []; }
}
function saveAnchors(list) { localStorage.setItem('jejak.anchors', JSON.stringify(list)); }

function renderAnchors(used) {
  const list = savedAnchors();
  const ul = $('anchors-list');
  ul.replaceChildren();
  for (const a of list) {
    const rm = el('button', { class: 'small', type: 'button' }, 'Remove');
    rm.addEventListener('click', () => { saveAnchors(savedAnchors().filter(x => x.key !== a.key)); renderAnchors(); reverify(); });
    ul.append(el('li', {}, (a.name ? a.name + ': ' : ''), a.key, rm));
  }
  $('anchors-used').textContent = list.length
    ? 'This verdict uses the ' + (list.length === 1 ? 'trust anchor' : list.length + ' trust anchors') + ' you saved on this device (never the relay’s):'
    : 'No trust anchors chosen: the records are genuine and consistent with each other, but no one you trust vouches for the organisations. Add the key of a certifier or consortium you trust below.';
}

function showSuggested(keys) {
  const box = $('anchors-suggested');
  const use = el('button', { type: 'button' }, 'Use them');
  use.addEventListener('click', () => {
    const list = savedAnchors();
    for (const k of keys) if (!list.some(a => a.key === k)) list.push({ key: k, name: 'from a label' });
    saveAnchors(list); box.hidden = true; renderAnchors(); reverify();
  });
  box.replaceChildren(el('p', { class: 'suggested' }, 'The label suggests these anchors (chosen by whoever printed it, so check them first): ' + keys.join(', ')), use);
  box.hidden = false;
}

// --- the verifier --------------------------------------------------------
let ready;
function loadVerifier() {
  ready = new Promise((resolve, reject) => {
    window.jejakReady = resolve;
    if (typeof Go !== 'function') { reject(new Error('its loader (wasm_exec.js) did not load')); return; }
    const go = new Go();
    const url = '/static/verify.wasm';
    const start = r => { go.run(r.instance); };
    const fallback = () => fetch(url).then(r => {
      if (!r.ok) return r.json().then(j => { throw new Error(j.error || r.statusText); }, () => { throw new Error(r.status + ' ' + r.statusText); });
      return r.arrayBuffer();
    }).then(b => WebAssembly.instantiate(b, go.importObject)).then(start);
    const p = WebAssembly.instantiateStreaming
      ? WebAssembly.instantiateStreaming(fetch(url), go.importObject).then(start, fallback)
      : fallback();
    p.catch(reject);
  });
  return ready;
}

function check(bytes) {
  const opts = { batch: state.offline ? '' : state.batch, anchors: savedAnchors().map(a => a.key), network: state.network, lot: state.lot };
  return JSON.parse(window.jejak.verify(bytes, JSON.stringify(opts)));
}

// --- showing -------------------------------------------------------------
function status(text) { $('status').textContent = text; $('status').hidden = !text; }
function showError(text) {
  $('result').hidden = true;
  const e = $('error');
  e.textContent = text; e.hidden = false;
  status('');
}
function clearAll() { $('error').hidden = true; $('error').textContent = ''; $('result').hidden = true; }

function fmtQty(q) {
  if (!q) return '';
  const units = { TNE: 't', KGM: 'kg', GRM: 'g', LTR: 'l', H87: 'pcs' };
  return (q.milli / 1000).toLocaleString() + ' ' + (units[q.unit] || q.unit);
}
function fmtTime(s) { const d = new Date(s); return isNaN(d) ? s : d.toLocaleString(); }

function show(res) {
  clearAll();
  if (!res.ok) {
    let msg = res.error || 'The capsule could not be checked.';
    if (res.code === 'mismatch' && !state.offline) {
      msg = 'The relay sent a record that does not match its ID (record ' + (res.record || '?') + '): this relay cannot be trusted for this batch.';
    } else if (res.code === 'mismatch') {
      msg = 'This capsule holds a record that does not match its ID (record ' + (res.record || '?') + '): the file was changed after it was made.';
    }
    showError(msg);
    return;
  }
  const r = res.report, c = res.capsule;
  const v = $('verdict');
  v.textContent = r.verdict.toUpperCase();
  v.className = 'verdict ' + r.verdict;
  let reason = r.summary;
  if (r.verdict === 'failed') {
    for (const ch of r.checks) if (ch.status === 'fail') { reason = ch.title + ': ' + (ch.reasons && ch.reasons[0] ? ch.reasons[0].text : ch.summary); break; }
  }
  $('reason').textContent = reason;
  $('freshness').textContent = state.offline
    ? 'As far as this capsule shows, made ' + fmtTime(c.made) + ' by ' + c.maker + ' (' + c.records + ' records, checked on this device).'
    : 'As far as this relay shows, on ' + fmtTime(c.made) + ' (' + c.records + ' records, each checked on this device).';
  $('notes').replaceChildren(...(res.notes || []).map(n => el('li', {}, n)));

  const checks = $('checks');
  checks.replaceChildren();
  for (const ch of r.checks) {
    const d = el('details', { class: 'check' }, el('summary', {}, el('span', { class: 'st ' + ch.status }, ch.status), ' ', ch.title, ': ', ch.summary));
    if (ch.reasons && ch.reasons.length) d.append(el('ul', {}, ...ch.reasons.map(x => el('li', {}, x.text))));
    if (ch.status === 'fail') d.open = true;
    checks.append(d);
  }

  const nodes = new Map(r.graph.nodes.map(n => [n.id, n]));
  const into = new Map();
  for (const e of r.graph.edges) { if (!into.has(e.to)) into.set(e.to, []); into.get(e.to).push(e.from); }
  const graph = $('graph');
  graph.replaceChildren();
  const seen = new Set();
  const walk = (id, depth) => {
    if (seen.has(id) || depth > 40 || seen.size > 300) return;
    seen.add(id);
    const n = nodes.get(id);
    if (!n) return;
    const what = n.kind === 'transfer'
      ? 'Sent ' + fmtQty(n.qty) + ' from ' + (n.org || '?') + ' to ' + (n.to_org || '?') + (n.received ? ', received ' + fmtQty(n.received) : '')
      : (n.product || n.type || 'batch') + ' ' + fmtQty(n.qty) + (n.org ? ' — ' + n.org : '') + (n.lot ? ', lot ' + n.lot : '');
    const li = el('li', { class: n.failing ? 'failing' : '' }, '\u00a0'.repeat(depth * 2) + (depth ? '↳ ' : '') + what,
      el('br'), el('small', {}, (n.time ? fmtTime(n.time) + ' · ' : '') + (n.missing ? 'MISSING · ' : '') + n.id));
    graph.append(li);
    for (const f of into.get(id) || []) walk(f, depth + 1);
  };
  const start = r.graph.nodes.find(n => n.role === 'start');
  if (start) walk(start.id, 0);
  if (seen.size < nodes.size) graph.append(el('li', {}, '… and ' + (nodes.size - seen.size) + ' more steps'));

  drawMap(r.origins || []);

  $('signers').replaceChildren(...(r.signers || []).map(s => el('li', {},
    s.name + (s.country ? ' (' + s.country + ')' : '') + ' — ' + (s.trusted ? 'vouched for' : 'not vouched for') + (s.why ? ': ' + s.why : ''),
    el('br'), el('small', {}, s.key))));
  renderAnchors();
  $('result').hidden = false;
  status('');
}

// The origins as drawn from the records themselves: no tiles, no basemap.
function drawMap(origins) {
  const box = $('map');
  box.replaceChildren();
  if (!origins.length) { box.textContent = 'No plots of origin in this story.'; return; }
  const pts = [];
  const rings = g => {
    if (!g) return [];
    if (g.type === 'Point') return [[g.coordinates]];
    if (g.type === 'Polygon') return g.coordinates;
    if (g.type === 'MultiPolygon') return g.coordinates.flat();
    return [];
  };
  for (const o of origins) {
    const rs = rings(o.geometry);
    if (!rs.length) rs.push([[o.lon, o.lat]]);
    o._rings = rs;
    for (const r of rs) for (const p of r) pts.push(p);
  }
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of pts) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  const k = Math.cos(((y0 + y1) / 2) * Math.PI / 180) || 1;
  let w = Math.max((x1 - x0) * k, 0.002), h = Math.max(y1 - y0, 0.002);
  const pad = Math.max(w, h) * 0.25;
  const W = 360, H = Math.round(Math.min(360, Math.max(180, W * (h + 2 * pad) / (w + 2 * pad))));
  const s = Math.min((W - 20) / (w + 2 * pad), (H - 30) / (h + 2 * pad));
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const X = lon => W / 2 + (lon - cx) * k * s, Y = lat => (H - 20) / 2 - (lat - cy) * s;
  const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'Plots of origin' });
  // Graticule: a line each step of longitude and latitude.
  const span = Math.max(w / k, h) + 2 * pad;
  const step = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10].find(v => span / v <= 6) || 10;
  for (let lon = Math.ceil((cx - span) / step) * step; lon <= cx + span; lon += step) {
    const x = X(lon); if (x < 0 || x > W) continue;
    root.append(svg('line', { x1: x, y1: 0, x2: x, y2: H - 20, stroke: '#c8d6dd', 'stroke-width': 1 }));
    const t = svg('text', { x: x + 2, y: H - 8, 'font-size': 9, fill: '#5f6368' }); t.textContent = lon.toFixed(3) + '°'; root.append(t);
  }
  for (let lat = Math.ceil((cy - span) / step) * step; lat <= cy + span; lat += step) {
    const y = Y(lat); if (y < 0 || y > H - 20) continue;
    root.append(svg('line', { x1: 0, y1: y, x2: W, y2: y, stroke: '#c8d6dd', 'stroke-width': 1 }));
    const t = svg('text', { x: 2, y: y - 2, 'font-size': 9, fill: '#5f6368' }); t.textContent = lat.toFixed(3) + '°'; root.append(t);
  }
  const colour = o => {
    const st = o.eudr && o.eudr.status;
    return st === 'assessed' ? '#1b7f3b' : st === 'not_assessed' || st === 'not assessed' ? '#b3261e' : '#a86a00';
  };
  for (const o of origins) {
    const c = colour(o);
    for (const r of o._rings) {
      if (r.length === 1) root.append(svg('circle', { cx: X(r[0][0]), cy: Y(r[0][1]), r: 5, fill: c }));
      else root.append(svg('polygon', { points: r.map(p => X(p[0]).toFixed(1) + ',' + Y(p[1]).toFixed(1)).join(' '), fill: c, 'fill-opacity': 0.35, stroke: c, 'stroke-width': 2 }));
    }
    const t = svg('text', { x: X(o.lon) + 6, y: Y(o.lat) - 6, 'font-size': 11, fill: '#202124' }); t.textContent = o.name; root.append(t);
  }
  // Scale bar: one graticule step of longitude, in km.
  const km = step * 111.32 * k;
  root.append(svg('line', { x1: W - 10 - step * k * s, y1: H - 24, x2: W - 10, y2: H - 24, stroke: '#202124', 'stroke-width': 2 }));
  const sb = svg('text', { x: W - 10 - step * k * s, y: H - 28, 'font-size': 9, fill: '#202124' });
  sb.textContent = (km < 1 ? Math.round(km * 1000) + ' m' : km.toFixed(1) + ' km'); root.append(sb);
  box.append(root);
  box.append(el('p', { class: 'legend' }, 'Green: assessed for the EUDR. Amber: assessed only before the cut-off or partly. Red: not assessed. ',
    ...origins.map(o => o.name + ' (' + (o.country || '?') + (o.area_ha ? ', ' + o.area_ha + ' ha' : '') + ', ' + ((o.eudr && o.eudr.status) || 'no EUDR evidence') + '). ')));
}

// --- the flows -------------------------------------------------------------
function reverify() {
  if (!state.bytes || !window.jejak) return;
  show(check(state.bytes));
}

async function verifyBytes(bytes) {
  await about;
  status('Checking ' + (bytes.length / 1024).toFixed(0) + ' KB of records on this device…');
  await ready;
  await new Promise(r => setTimeout(r, 0));
  state.bytes = bytes;
  show(check(bytes));
}

async function fromRelay() {
  status('Fetching the batch’s records from this relay…');
  let resp;
  try {
    resp = await fetch('/capsule/' + encodeURI(state.batch), { headers: { Accept: 'application/vnd.ipld.car' } });
  } catch (e) {
    showError('Could not reach the relay (' + e.message + '). If you have a capsule file of this batch, open it below: it works offline.');
    return;
  }
  if (!resp.ok) {
    let msg = resp.status + ' ' + resp.statusText;
    try { const j = await resp.json(); if (j.error) msg = j.error; } catch (e) { /* keep the status */ }
    showError(msg);
    return;
  }
  const bytes = new Uint8Array(await resp.arrayBuffer());
  state.offline = false;
  await verifyBytes(bytes);
}

async function fromFile(file) {
  state.offline = true;
  state.fileName = file.name;
  clearAll();
  const bytes = new Uint8Array(await file.arrayBuffer());
  await verifyBytes(bytes);
}

function readLabel(text) {
  text = text.trim();
  try {
    const u = new URL(text);
    const parts = u.pathname.split('/').filter(Boolean);
    const i = parts.findIndex(p => p.toLowerCase() === 'b');
    if (i >= 0) return decodeURIComponent(parts.slice(i + 1).join('/')).toLowerCase();
    if (u.searchParams.get('jb')) return u.searchParams.get('jb').toLowerCase();
  } catch (e) { /* not a URL: a bare ID */ }
  return text.toLowerCase();
}

// The relay's network, so a capsule file of another network is refused;
// with no relay to ask (offline), the file is taken as it is.
let about = Promise.resolve();
function start() {
  about = fetch('/about.json').then(r => r.json()).then(j => { state.network = j.network || ''; }, () => {});
  parseLocation();
  renderAnchors();
  $('anchor-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const key = $('anchor-key').value.trim().toLowerCase();
    if (!/^ed25519:[a-z2-7]{52}$/.test(key)) { alert('A trust anchor is a key like ed25519: followed by 52 letters and digits.'); return; }
    const list = savedAnchors().filter(a => a.key !== key);
    list.push({ key, name: $('anchor-name').value.trim() });
    saveAnchors(list);
    $('anchor-key').value = ''; $('anchor-name').value = '';
    renderAnchors(); reverify();
  });
  $('batch-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const id = readLabel($('batch-input').value);
    if (id) location.href = '/b/' + id;
  });
  $('capsule-input').addEventListener('change', ev => { const f = ev.target.files[0]; if (f) fromFile(f); });
  document.addEventListener('dragover', ev => ev.preventDefault());
  document.addEventListener('drop', ev => {
    ev.preventDefault();
    const f = ev.dataTransfer && ev.dataTransfer.files[0];
    if (f) fromFile(f);
  });
  loadVerifier().then(() => {
    if (!state.batch) status(($('error').hidden ? 'Ready: enter a batch ID or open a capsule file.' : ''));
  }, e => showError('This page could not start its verifier: ' + e.message));
  if (state.batch) fromRelay();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
