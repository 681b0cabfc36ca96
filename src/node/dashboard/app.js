// The node's dashboard: one event stream (/api/events) feeds every panel; nothing polls.
import uPlot from '/vendor/uplot.js';
import cytoscape from '/vendor/cytoscape.js';

const $ = (selector, root = document) => root.querySelector(selector);

/** Escapes text from the network before it goes into HTML. */
function esc(value) {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

const fmt = new Intl.NumberFormat('en-US');
const num = (n) => (typeof n === 'number' ? fmt.format(n) : esc(n));

function ago(ms) {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ago`;
}

const state = { services: {}, orderbook: null, sort: { key: 'cjfee', asc: true } };

// --- service state shown on each panel --------------------------------------------------------

function showServiceStatus(name) {
  const el = $(`[data-status="${name}"]`);
  if (el === null) return;
  const s = state.services[name];
  if (s === undefined) el.textContent = `service ${name} is not configured on this node`;
  else if (s.state === 'failed') el.textContent = `service ${name} failed: ${s.error ?? 'no reason given'}`;
  else if (s.state !== 'running') el.textContent = `service ${name} is ${s.state}`;
  else el.textContent = '';
}

// --- overview ---------------------------------------------------------------------------------

let ratesPlot;

function peersOf(s) {
  const info = s.info ?? {};
  if (typeof info.peers === 'number') return info.peers;
  if (typeof s.stats?.peers === 'number') return s.stats.peers;
  if (Array.isArray(info.communities)) return info.communities.reduce((a, c) => a + (c.peers ?? 0), 0);
  if (typeof info.makers === 'number') return info.makers;
  return '';
}

function renderOverview(data) {
  state.services = data.services ?? {};
  const rates = data.rates ?? { time: [], series: {} };
  const rows = Object.entries(state.services).map(([name, s]) => {
    const series = rates.series[name];
    const rate = series && series.length > 0 ? series[series.length - 1] : '';
    return `<tr data-service="${esc(name)}"><td>${esc(name)}</td><td class="state-${esc(s.state)}">${esc(s.state)}</td><td class="num">${num(peersOf(s))}</td><td class="num">${num(rate)}</td><td class="reason">${esc(s.error ?? '')}</td></tr>`;
  });
  $('#services-table tbody').innerHTML = rows.join('');
  const demo = state.services.demo;
  const banner = $('#demo-banner');
  if (demo !== undefined) {
    const i = demo.info ?? {};
    banner.hidden = false;
    banner.textContent =
      `DEMO — ${i.label ?? 'demo network'}: ${Array.isArray(i.directories) ? i.directories.length : '?'} directories, ` +
      `${i.makers ?? '?'} makers, ${Array.isArray(i.discoveryNodes) ? i.discoveryNodes.length + 1 : '?'} discovery nodes, ` +
      `${typeof i.overlayPeers === 'number' ? i.overlayPeers + 1 : '?'} overlay peers. Run with --no-demo to turn it off.`;
  } else banner.hidden = true;
  for (const name of ['orderbook', 'directory', 'discovery', 'overlay', 'multistream'])
    showServiceStatus(name);
  renderRates(rates);
}

const COLORS = ['#2f6fdf', '#1f8a4c', '#c0392b', '#b7791f', '#7b3fb5', '#138a8a', '#555'];

function renderRates(rates) {
  const names = Object.keys(rates.series).sort();
  const data = [rates.time, ...names.map((n) => rates.series[n])];
  const el = $('#rates-chart');
  const key = names.join(',');
  if (ratesPlot === undefined || ratesPlot.key !== key) {
    ratesPlot?.destroy();
    ratesPlot = new uPlot(
      {
        width: el.clientWidth || 800,
        height: 200,
        title: 'messages per second',
        series: [{}, ...names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 1.5 }))],
        axes: [{}, { size: 50 }],
      },
      data,
      el,
    );
    ratesPlot.key = key;
  } else ratesPlot.setData(data);
}

// --- orderbook --------------------------------------------------------------------------------

function feeAt(offer, amount) {
  const fee = Number(offer.cjfee);
  return offer.ordertype.includes('rel') ? Math.round(fee * amount) : fee;
}

function filters() {
  const f = new FormData($('#orderbook-filters'));
  const amount = f.get('amount') === '' ? undefined : Number(f.get('amount'));
  const maxfee = f.get('maxfee') === '' ? undefined : Number(f.get('maxfee'));
  return {
    maker: String(f.get('maker') ?? '')
      .trim()
      .toLowerCase(),
    type: String(f.get('type') ?? ''),
    amount,
    maxfee,
    bond: f.get('bond') === 'on',
  };
}

function filteredOffers() {
  const offers = state.orderbook?.offers ?? [];
  const f = filters();
  return offers.filter((o) => {
    if (f.maker !== '' && !String(o.counterparty).toLowerCase().includes(f.maker)) return false;
    if (f.type !== '' && o.ordertype !== f.type) return false;
    if (f.amount !== undefined && (o.minsize > f.amount || o.maxsize < f.amount)) return false;
    if (f.maxfee !== undefined && Number(o.cjfee) > f.maxfee) return false;
    if (f.bond && !(Number(o.fidelity_bond_value) > 0)) return false;
    return true;
  });
}

/** Height of one orderbook row in pixels (fixed in style.css, so the table can be virtual). */
const ROW_HEIGHT = 22;
/** Rows drawn above and below the visible ones. */
const ROW_OVERSCAN = 20;

/**
 * Filters and sorts the book, then draws only the rows in view (plus a margin): ten thousand
 * offers cost one sort, not ten thousand table rows.
 */
function renderOrderbookTable() {
  const { key, asc } = state.sort;
  const numeric = key !== 'counterparty' && key !== 'ordertype';
  // Each row's sort key is computed once, not once per comparison.
  const keyed = filteredOffers().map((o) => ({ o, k: numeric ? Number(o[key]) || 0 : String(o[key]) }));
  const dir = asc ? 1 : -1;
  keyed.sort((a, b) => (a.k < b.k ? -dir : a.k > b.k ? dir : 0));
  const rows = keyed.map((x) => x.o);
  state.rows = rows;
  renderOrderbookWindow();
  for (const th of document.querySelectorAll('#orderbook-table th')) {
    th.classList.toggle('sorted', th.dataset.sort === key);
    th.classList.toggle('asc', th.dataset.sort === key && asc);
  }
  const total = state.orderbook?.offers?.length ?? 0;
  $('#orderbook-count').textContent = `${rows.length} of ${total} offers`;
}

function renderOrderbookWindow() {
  const rows = state.rows ?? [];
  const box = $('#orderbook-scroll');
  const first = Math.max(0, Math.floor(box.scrollTop / ROW_HEIGHT) - ROW_OVERSCAN);
  const last = Math.min(
    rows.length,
    first + Math.ceil((box.clientHeight || 420) / ROW_HEIGHT) + 2 * ROW_OVERSCAN,
  );
  const html = [`<tr class="spacer" style="height:${first * ROW_HEIGHT}px"></tr>`];
  for (let i = first; i < last; i++) {
    const o = rows[i];
    html.push(
      `<tr data-maker="${esc(o.counterparty)}" data-oid="${esc(o.oid)}"><td>${esc(o.counterparty)}</td><td class="num">${esc(o.oid)}</td><td>${esc(o.ordertype)}</td><td class="num">${num(o.minsize)}</td><td class="num">${num(o.maxsize)}</td><td class="num">${num(o.txfee)}</td><td class="num">${esc(o.cjfee)}</td><td class="num">${num(o.fidelity_bond_value ?? 0)}</td></tr>`,
    );
  }
  html.push(`<tr class="spacer" style="height:${(rows.length - last) * ROW_HEIGHT}px"></tr>`);
  $('#orderbook-table tbody').innerHTML = html.join('');
}

function renderBonds() {
  const bonds = state.orderbook?.fidelitybonds ?? [];
  const keys = [...new Set(bonds.flatMap((b) => Object.keys(b)))].slice(0, 8);
  $('#bonds-table thead').innerHTML = `<tr>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>`;
  $('#bonds-table tbody').innerHTML = bonds
    .map(
      (b) =>
        `<tr>${keys.map((k) => `<td>${esc(typeof b[k] === 'object' ? JSON.stringify(b[k]) : b[k])}</td>`).join('')}</tr>`,
    )
    .join('');
}

const DEPTH_MAKERS = [1, 3, 5, 8];
let depthPlot;

/**
 * The depth view: for each amount (log scale), the cheapest total fee at which N distinct makers
 * would take it (each maker's cheapest offer that fits the amount).
 */
function depthSeries(offers) {
  const amounts = [];
  for (let e = 5; e <= 10.5; e += 0.25) amounts.push(Math.round(10 ** e));
  const series = DEPTH_MAKERS.map(() => []);
  for (const amount of amounts) {
    const best = new Map();
    for (const o of offers) {
      if (o.minsize > amount || o.maxsize < amount) continue;
      const fee = feeAt(o, amount);
      const before = best.get(o.counterparty);
      if (before === undefined || fee < before) best.set(o.counterparty, fee);
    }
    const fees = [...best.values()].sort((a, b) => a - b);
    DEPTH_MAKERS.forEach((n, i) => {
      series[i].push(fees.length >= n ? fees.slice(0, n).reduce((a, b) => a + b, 0) : null);
    });
  }
  return [amounts.map((a) => Math.log10(a)), ...series];
}

function renderDepth() {
  const data = depthSeries(state.orderbook?.offers ?? []);
  const el = $('#depth-chart');
  if (depthPlot === undefined) {
    depthPlot = new uPlot(
      {
        width: el.clientWidth || 800,
        height: 200,
        title: 'depth: cheapest total fee (sats) to mix an amount with N makers',
        scales: { x: { time: false } },
        axes: [
          { label: 'amount (sats)', values: (u, v) => v.map((x) => fmt.format(Math.round(10 ** x))) },
          { size: 60 },
        ],
        series: [
          {},
          ...DEPTH_MAKERS.map((n, i) => ({
            label: `${n} maker${n > 1 ? 's' : ''}`,
            stroke: COLORS[i],
            width: 1.5,
          })),
        ],
      },
      data,
      el,
    );
  } else depthPlot.setData(data);
}

function renderOrderbook(data) {
  state.orderbook = data;
  renderOrderbookTable();
  renderBonds();
  renderDepth();
}

// --- directory --------------------------------------------------------------------------------

let lastRelay;

function cards(el, entries) {
  el.innerHTML = entries
    .map(([label, value]) => `<div class="card"><b>${num(value)}</b><span>${esc(label)}</span></div>`)
    .join('');
}

function renderDirectory(d) {
  if (d === null) return;
  cards($('#directory-cards'), [
    ['connections', d.connections],
    ['nicks', d.peerCount ?? d.peers.length],
    ['handshakes accepted', d.handshakesAccepted],
    ['connections since start', d.connectionsTotal],
    ['bytes in', d.bytesIn],
    ['bytes out', d.bytesOut],
  ]);
  const now = Date.now();
  const rates = Object.entries(d.relayed).map(([type, count]) => {
    const before = lastRelay?.counts[type];
    const rate = before === undefined ? 0 : ((count - before) * 1000) / Math.max(1, now - lastRelay.time);
    return `<tr><td>${esc(type)}</td><td class="num">${rate.toFixed(1)}</td><td class="num">${num(count)} total</td></tr>`;
  });
  lastRelay = { time: now, counts: { ...d.relayed } };
  $('#directory-relay tbody').innerHTML = rates.join('') || '<tr><td>nothing relayed yet</td></tr>';
  const drops = Object.entries(d.dropped).map(
    ([r, n]) => `<tr><td>${esc(r)}</td><td class="num">${num(n)}</td></tr>`,
  );
  $('#directory-drops tbody').innerHTML = drops.join('') || '<tr><td>none</td></tr>';
  $('#directory-peers tbody').innerHTML = d.peers
    .map(
      (p) => `<tr><td>${esc(p.nick)}</td><td>${esc(p.location)}</td><td>${p.verified ? 'yes' : ''}</td></tr>`,
    )
    .join('');
}

// --- discovery --------------------------------------------------------------------------------

function renderDiscovery(d) {
  if (d === null) return;
  $('#discovery-count').textContent = `${d.good} good of ${d.count} servers`;
  $('#discovery-servers tbody').innerHTML = d.servers
    .map(
      (s) =>
        `<tr data-host="${esc(s.host)}"><td>${esc(s.host)}</td><td class="num">${esc(s.tcpPort ?? '')}</td><td class="num">${esc(s.sslPort ?? '')}</td><td>${esc(s.protocol ?? '')}</td><td>${esc(ago(s.lastGood))}</td><td class="num">${num(s.failures)}</td><td>${esc(s.source)}</td></tr>`,
    )
    .join('');
  $('#discovery-verifications').innerHTML = [...d.verifications]
    .reverse()
    .map(
      (v) =>
        `<li class="${v.ok ? 'ok' : 'fail'}">${esc(new Date(v.time).toLocaleTimeString())} ${esc(v.host)}${v.ok ? '' : ` (${num(v.failures)} failures)`}</li>`,
    )
    .join('');
}

// --- overlay ----------------------------------------------------------------------------------

const graphs = new Map();

const GRAPH_STYLE = [
  { selector: 'node', style: { width: 10, height: 10, 'background-color': '#9aa5b1' } },
  { selector: 'node[kind = "verified"]', style: { 'background-color': '#1f8a4c' } },
  {
    selector: 'node[kind = "self"]',
    style: { 'background-color': '#2f6fdf', width: 18, height: 18, label: 'this node', 'font-size': 10 },
  },
  { selector: 'edge', style: { width: 1, 'line-color': '#c9d1d9' } },
  {
    selector: 'edge[kind = "introduced"]',
    style: {
      'line-color': '#e0b252',
      'target-arrow-shape': 'triangle',
      'target-arrow-color': '#e0b252',
      'curve-style': 'bezier',
      'arrow-scale': 0.6,
    },
  },
];

/** Brings a community's graph up to date: adds and removes only what changed. */
function updateGraph(c) {
  let g = graphs.get(c.id);
  if (g === undefined) {
    const box = document.createElement('div');
    box.className = 'community';
    box.dataset.community = c.id;
    box.innerHTML = `<h3>community ${esc(c.id)}</h3><div class="cards"></div><div class="graph"></div><p><span class="legend-dot" style="background:#2f6fdf"></span>this node<span class="legend-dot" style="background:#1f8a4c"></span>verified<span class="legend-dot" style="background:#9aa5b1"></span>walkable<span class="legend-dot" style="background:#e0b252"></span>introduced</p>`;
    $('#overlay-communities').append(box);
    const cy = cytoscape({ container: $('.graph', box), style: GRAPH_STYLE });
    g = { box, cy, layoutAt: 0, size: 0 };
    graphs.set(c.id, g);
  }
  cards($('.cards', g.box), [
    ['verified peers', c.peers],
    ['walkable', c.walkable],
    ['walk steps', c.ticks],
    ['sent', c.sent],
    ['received', c.received],
  ]);
  const { cy } = g;
  const wanted = new Map();
  for (const n of c.graph.nodes)
    wanted.set(`n:${n.id}`, { group: 'nodes', data: { id: `n:${n.id}`, kind: n.kind, address: n.address } });
  for (const e of c.graph.edges) {
    const id = `e:${e.kind}:${e.from}>${e.to}`;
    wanted.set(id, {
      group: 'edges',
      data: { id, source: `n:${e.from}`, target: `n:${e.to}`, kind: e.kind },
    });
  }
  let changed = false;
  cy.batch(() => {
    cy.elements().forEach((el) => {
      const w = wanted.get(el.id());
      if (w === undefined) {
        el.remove();
        changed = true;
      } else {
        if (el.data('kind') !== w.data.kind) el.data('kind', w.data.kind);
        wanted.delete(el.id());
      }
    });
    const add = [...wanted.values()];
    const nodes = add.filter((x) => x.group === 'nodes');
    const edges = add.filter((x) => x.group === 'edges');
    if (nodes.length > 0) cy.add(nodes);
    if (edges.length > 0)
      cy.add(
        edges.filter(
          (e) => cy.getElementById(e.data.source).nonempty() && cy.getElementById(e.data.target).nonempty(),
        ),
      );
    if (add.length > 0) changed = true;
  });
  const now = Date.now();
  if (changed && (now - g.layoutAt > 5000 || Math.abs(cy.nodes().length - g.size) > g.size / 4)) {
    g.layoutAt = now;
    g.size = cy.nodes().length;
    cy.layout({
      name: 'concentric',
      concentric: (n) => (n.data('kind') === 'self' ? 3 : n.data('kind') === 'verified' ? 2 : 1),
      levelWidth: () => 1,
      animate: false,
      minNodeSpacing: 4,
    }).run();
  }
  g.box.dataset.nodes = String(cy.nodes().length);
}

function renderOverlay(d) {
  if (d === null) return;
  for (const c of d.communities) updateGraph(c);
}

// --- multistream ------------------------------------------------------------------------------

function renderMultistream(d) {
  if (d === null) return;
  cards($('#multistream-cards'), [
    ['negotiated', d.negotiated],
    ['refused (na)', d.na],
    ['failed', Object.values(d.failed).reduce((a, b) => a + b, 0)],
    ['port', d.port],
  ]);
  $('#multistream-protocols tbody').innerHTML = d.protocols
    .map((p) => `<tr><td>${esc(p)}</td><td class="num">${num(d.byProtocol[p] ?? 0)} negotiated</td></tr>`)
    .join('');
  $('#multistream-recent tbody').innerHTML = [...d.recent]
    .reverse()
    .map(
      (r) =>
        `<tr><td>${esc(new Date(r.time).toLocaleTimeString())}</td><td>${esc(r.remote)}</td><td>${r.protocol === null ? `<span class="state-failed">${esc(r.error)}</span>` : esc(r.protocol)}</td></tr>`,
    )
    .join('');
}

// --- wiring -----------------------------------------------------------------------------------

const renderers = {
  overview: renderOverview,
  orderbook: renderOrderbook,
  directory: renderDirectory,
  discovery: renderDiscovery,
  overlay: renderOverlay,
  multistream: renderMultistream,
};

/** Renders one section; exposed for the benchmarks, which feed panels large data directly. */
function render(section, data) {
  const fn = renderers[section];
  if (fn !== undefined) fn(data);
}

window.peerwayDashboard = { render, state };

$('#orderbook-filters').addEventListener('input', () => renderOrderbookTable());
$('#orderbook-scroll').addEventListener('scroll', () => renderOrderbookWindow(), { passive: true });
$('#orderbook-table thead').addEventListener('click', (event) => {
  const key = event.target.closest('th')?.dataset.sort;
  if (key === undefined) return;
  state.sort = { key, asc: state.sort.key === key ? !state.sort.asc : true };
  renderOrderbookTable();
});

const params = new URLSearchParams(location.search);
if (params.get('events') !== 'off') {
  const source = new EventSource('/api/events');
  const pill = $('#connection');
  source.addEventListener('open', () => {
    pill.textContent = 'live';
    pill.classList.add('live');
  });
  source.addEventListener('error', () => {
    pill.textContent = 'reconnecting…';
    pill.classList.remove('live');
  });
  for (const section of Object.keys(renderers)) {
    source.addEventListener(section, (event) => {
      try {
        render(section, JSON.parse(event.data));
      } catch (err) {
        console.error(`rendering ${section} failed`, err);
      }
    });
  }
}
