'use strict';
// The page of `ragtune serve`. Everything the server or a document says is put in with textContent, never as HTML.
const TEXT = {
  en: {
    tagline: 'RAG on the JVM: upload documents, ask, see the sources and the timings',
    'auth.title': 'Token', 'auth.placeholder': 'the --token the server was started with', 'auth.save': 'Use token',
    'auth.needed': 'This server needs its token: enter it above.',
    'docs.title': '1. Documents', 'docs.upload': 'Upload and index', 'docs.none': 'No documents yet.',
    'docs.chunks': n => n + ' chunks', 'docs.delete': 'Delete', 'docs.deleted': name => name + ' deleted',
    'up.sending': p => 'sending… ' + Math.round(100 * p) + '%', 'up.queued': 'queued…',
    'up.running': (j, eta) => `indexing: ${j.files_done}/${j.files} files, ${j.chunks} chunks` + (eta ? `, about ${eta} s left` : ''),
    'up.done': j => `${j.report.ingested} indexed, ${j.report.unchanged} unchanged, ${j.report.chunks_added} chunks added`,
    'up.failed': 'indexing failed',
    'ask.title': '2. Question', 'ask.placeholder': 'How do I reduce overfitting in neural networks?', 'ask.mode': 'search',
    'mode.hybrid': 'hybrid', 'mode.dense': 'dense', 'ask.compare': 'compare with no RAG', 'ask.submit': 'Ask',
    'answer.title': 'Answer', 'answer.norag': 'Without RAG', 'answer.sources': 'Sources',
    'answer.contexts': 'Contexts in the prompt', 'answer.timings': 'Timings (ms)', 'answer.none': '(no answer)',
    'answer.nosources': 'none', 'answer.page': 'p.', 'answer.overlap': 'the model did not cite: sources attributed by word overlap',
    error: 'error: '
  },
  pt: {
    tagline: 'RAG na JVM: envie documentos, pergunte, veja as fontes e os tempos',
    'auth.title': 'Token', 'auth.placeholder': 'o --token com que o servidor foi iniciado', 'auth.save': 'Usar token',
    'auth.needed': 'Este servidor precisa do token: informe-o acima.',
    'docs.title': '1. Documentos', 'docs.upload': 'Enviar e indexar', 'docs.none': 'Nenhum documento ainda.',
    'docs.chunks': n => n + ' trechos', 'docs.delete': 'Excluir', 'docs.deleted': name => name + ' excluído',
    'up.sending': p => 'enviando… ' + Math.round(100 * p) + '%', 'up.queued': 'na fila…',
    'up.running': (j, eta) => `indexando: ${j.files_done}/${j.files} arquivos, ${j.chunks} trechos` + (eta ? `, faltam cerca de ${eta} s` : ''),
    'up.done': j => `${j.report.ingested} indexado(s), ${j.report.unchanged} sem mudança, ${j.report.chunks_added} trechos novos`,
    'up.failed': 'a indexação falhou',
    'ask.title': '2. Pergunta', 'ask.placeholder': 'Como reduzir overfitting em redes neurais?', 'ask.mode': 'busca',
    'mode.hybrid': 'híbrida', 'mode.dense': 'densa', 'ask.compare': 'comparar sem RAG', 'ask.submit': 'Perguntar',
    'answer.title': 'Resposta', 'answer.norag': 'Sem RAG', 'answer.sources': 'Fontes',
    'answer.contexts': 'Contextos no prompt', 'answer.timings': 'Tempos (ms)', 'answer.none': '(sem resposta)',
    'answer.nosources': 'nenhuma', 'answer.page': 'p.', 'answer.overlap': 'o modelo não citou: fontes atribuídas por sobreposição de palavras',
    error: 'erro: '
  }
};
const LANG = ((navigator.languages || [navigator.language || 'en']).map(l => l.toLowerCase().slice(0, 2))
  .find(l => l in TEXT)) || 'en';
const t = (key, ...args) => { const v = TEXT[LANG][key]; return typeof v === 'function' ? v(...args) : v; };
const COLORS = {embed:'#7b61ff', search:'#2f6fde', rerank:'#00a3a3', prompt:'#8a8f98', generate:'#e0882b'};
const $ = id => document.getElementById(id);
const text = (el, s) => { el.textContent = s; return el; };
function node(tag, s, cls) { const e = document.createElement(tag); if (s !== undefined) e.textContent = s; if (cls) e.className = cls; return e; }
const fileName = s => s.split(/[\\/]/).pop();
let documents = [];

function translate() {
  document.documentElement.lang = LANG === 'pt' ? 'pt-BR' : 'en';
  document.title = LANG === 'pt' ? 'ragtune — pergunte aos seus documentos' : 'ragtune — ask your documents';
  for (const el of document.querySelectorAll('[data-i18n]')) text(el, t(el.dataset.i18n));
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}

// The token: from a #token=… link (then removed from the address bar) or typed in; kept for this tab only.
function token() { return sessionStorage.getItem('ragtune-token'); }
(function takeTokenFromHash() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) { sessionStorage.setItem('ragtune-token', decodeURIComponent(m[1])); history.replaceState(null, '', location.pathname + location.search); }
})();
function headers(extra) { const h = Object.assign({}, extra || {}); const tk = token(); if (tk) h.Authorization = 'Bearer ' + tk; return h; }

async function call(url, opts) {
  opts = opts || {}; opts.headers = headers(opts.headers);
  const r = await fetch(url, opts);
  const body = await r.json().catch(() => ({error: 'http_' + r.status, message: 'HTTP ' + r.status}));
  if (r.status === 401) { $('auth').hidden = false; }
  if (!r.ok) throw new Error(body.message || body.error || ('HTTP ' + r.status));
  return body;
}

async function loadDocs() {
  documents = await call('/api/documents');
  const table = $('docs'); table.replaceChildren();
  if (!documents.length) { const tr = node('tr'); tr.append(node('td', t('docs.none'), 'muted')); table.append(tr); }
  for (const d of documents) {
    const tr = node('tr'); tr.dataset.id = d.id;
    const del = node('button', t('docs.delete'), 'small delete'); del.type = 'button';
    del.addEventListener('click', () => remove(d, del));
    const td = node('td'); td.append(del);
    tr.append(node('td', d.name, 'doc-name'), node('td', t('docs.chunks', d.chunks), 'muted'),
      node('td', d.bytes < 10240 ? d.bytes + ' B' : (d.bytes / 1024).toFixed(0) + ' KB', 'muted'), td);
    table.append(tr);
  }
}

async function remove(d, button) {
  button.disabled = true;
  try { await call('/api/documents/' + encodeURIComponent(d.id), {method: 'DELETE'}); text($('upload-status'), t('docs.deleted', d.name)); }
  catch (e) { text($('upload-status'), t('error') + e.message); }
  await loadDocs();
}

// Upload: the transfer's progress from the browser, then the ingestion's from its job.
function send(form) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest(); x.open('POST', '/api/documents');
    const tk = token(); if (tk) x.setRequestHeader('Authorization', 'Bearer ' + tk);
    x.upload.onprogress = ev => { if (ev.lengthComputable) { $('upload-progress').value = 0.2 * ev.loaded / ev.total; text($('upload-status'), t('up.sending', ev.loaded / ev.total)); } };
    x.onload = () => { let b; try { b = JSON.parse(x.responseText); } catch (e) { b = {message: 'HTTP ' + x.status}; }
      if (x.status === 401) $('auth').hidden = false;
      if (x.status === 202) resolve(b); else reject(new Error(b.message || ('HTTP ' + x.status))); };
    x.onerror = () => reject(new Error('network error'));
    x.send(form);
  });
}
const sleep = ms => new Promise(r => setTimeout(r, ms));
$('upload').addEventListener('submit', async ev => {
  ev.preventDefault(); const files = $('files').files; if (!files.length) return;
  const fd = new FormData(); for (const f of files) fd.append('file', f);
  const bar = $('upload-progress'); bar.hidden = false; bar.value = 0; $('upload-btn').disabled = true;
  try {
    let job = await send(fd);
    while (job.state === 'queued' || job.state === 'running') {
      bar.value = 0.2 + 0.8 * (job.bytes_total ? job.bytes_done / job.bytes_total : 0);
      text($('upload-status'), job.state === 'queued' ? t('up.queued') : t('up.running', job, job.eta_seconds));
      await sleep(400);
      job = await call('/api/jobs/' + job.id);
    }
    bar.value = 1;
    const problems = job.problems.length ? ' — ' + job.problems.join('; ') : '';
    text($('upload-status'), (job.state === 'done' ? t('up.done', job) : t('up.failed')) + problems);
    $('upload-status').dataset.state = job.state;
    await loadDocs();
  } catch (e) { text($('upload-status'), t('error') + e.message); $('upload-status').dataset.state = 'error'; }
  finally { $('upload-btn').disabled = false; }
});

// A cited page opens the stored file at #page=N; with a token the file is fetched with it and shown from memory.
function sourceLink(c) {
  const label = `[${c.n}] ${fileName(c.source)}${c.page ? ', ' + t('answer.page') + ' ' + c.page : ''} — ${c.chunk_id}`;
  const doc = documents.find(d => d.source === c.source);
  if (!doc || !doc.url) return node('span', label);
  const a = node('a', label, 'source-link'); a.href = doc.url + (c.page ? '#page=' + c.page : ''); a.target = '_blank'; a.rel = 'noopener';
  if (token()) a.addEventListener('click', async ev => {
    ev.preventDefault();
    const r = await fetch(doc.url, {headers: headers()}); const blob = await r.blob();
    window.open(URL.createObjectURL(blob) + (c.page ? '#page=' + c.page : ''), '_blank', 'noopener');
  });
  return a;
}

function showAnswer(a) {
  text($('asked'), a.question);
  text($('answer'), a.answer || t('answer.none')); text($('mode-badge'), a.mode);
  $('warnings').replaceChildren(); for (const w of a.warnings) $('warnings').append(node('div', '⚠ ' + w, 'warn'));
  $('sources').replaceChildren();
  if (!a.citations.length) $('sources').append(node('li', t('answer.nosources'), 'muted'));
  for (const c of a.citations) { const li = node('li'); li.append(sourceLink(c)); $('sources').append(li); }
  if (a.attribution === 'overlap') $('sources').append(node('div', t('answer.overlap'), 'muted'));
  $('contexts').replaceChildren();
  for (const c of a.contexts) { const d = node('div', undefined, 'ctx'); d.append(node('b', `[${c.n}] `), document.createTextNode(c.text)); $('contexts').append(d); }
  const tm = a.timings_ms; const stages = ['embed', 'search', 'rerank', 'prompt', 'generate'];
  const bar = $('timings'); bar.replaceChildren(); $('legend').replaceChildren();
  for (const s of stages) { const v = tm[s] || 0; if (v <= 0) continue; const d = node('div', s); d.style.background = COLORS[s]; d.style.width = (100 * v / tm.total) + '%'; d.title = `${s}: ${v.toFixed(1)} ms`; bar.append(d); }
  for (const s of stages.concat(['total'])) { const sp = node('span'); const i = node('i'); i.style.background = COLORS[s] || '#333'; sp.append(i, document.createTextNode(`${s} ${(tm[s] || 0).toFixed(1)}`)); $('legend').append(sp); }
}

// The answer arrives as server-sent events: the passages first, then the text as it is generated, then the whole answer.
async function askStreaming(body) {
  const r = await fetch('/api/ask/stream', {method: 'POST', headers: headers({'Content-Type': 'application/json', Accept: 'text/event-stream'}), body: JSON.stringify(body)});
  if (!r.ok) { const b = await r.json().catch(() => ({})); if (r.status === 401) $('auth').hidden = false; throw new Error(b.message || ('HTTP ' + r.status)); }
  const reader = r.body.getReader(); const dec = new TextDecoder(); let buf = ''; let answer = null; let streamed = '';
  for (;;) {
    const {value, done} = await reader.read(); if (done) break;
    buf += dec.decode(value, {stream: true});
    let cut;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const raw = buf.slice(0, cut); buf = buf.slice(cut + 2);
      const name = (raw.match(/^event: (.*)$/m) || [])[1]; const data = JSON.parse((raw.match(/^data: (.*)$/m) || [])[1] || 'null');
      if (name === 'token') { streamed += data.text; text($('answer'), streamed); }
      else if (name === 'answer') answer = data;
      else if (name === 'error') throw new Error(data.message);
    }
  }
  if (!answer) throw new Error('the answer stream ended early');
  return answer;
}

$('ask').addEventListener('submit', async ev => {
  ev.preventDefault(); const q = $('question').value.trim() || $('question').placeholder;
  const compare = !$('compare-label').hidden && $('compare').checked;
  $('answer').className = 'answer'; $('ask-btn').disabled = true; $('result').hidden = false; text($('answer'), '…');
  $('sources').replaceChildren(); $('contexts').replaceChildren(); $('warnings').replaceChildren();
  $('norag-col').hidden = !compare; document.querySelector('.columns').classList.toggle('compare', compare);
  const body = {question: q, k: +$('k').value, mode: $('mode').value};
  const noRag = compare ? call('/api/ask', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(Object.assign({}, body, {no_rag: true}))})
      .then(a => text($('norag-answer'), a.answer || t('answer.none')))
      .catch(e => { text($('norag-answer'), t('error') + e.message).className = 'answer error'; }) : null;
  if (compare) text($('norag-answer'), '…');
  try { showAnswer(await askStreaming(body)); $('result').dataset.state = 'answered'; }
  catch (e) { text($('answer'), t('error') + e.message).className = 'answer error'; $('result').dataset.state = 'error'; }
  finally { if (noRag) await noRag; $('ask-btn').disabled = false; }
});

$('auth-form').addEventListener('submit', ev => {
  ev.preventDefault(); sessionStorage.setItem('ragtune-token', $('token').value.trim()); $('auth').hidden = true; start();
});

async function start() {
  try {
    const h = await call('/api/health');
    $('compare-label').hidden = !h.no_rag;
    await loadDocs();
  } catch (e) { text($('upload-status'), t('error') + e.message); if (!token()) text($('upload-status'), t('auth.needed')); }
}

translate();
start().then(() => {
  const shared = new URLSearchParams(location.search).get('q');  // a link can carry its question: /?q=...
  if (shared) { $('question').value = shared; $('ask').requestSubmit(); }
});
