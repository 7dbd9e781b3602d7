// The activation panel's webview: the code coloured by one cell (red −1 … blue +1, as in
// Karpathy, Johnson & Fei-Fei), a cell picker (named cells first, then any cell by layer and
// index, and its gates), or by the model's surprise (bits per character, with the mean and the
// ten most surprising places as links), the model's top-5 guesses on hover, the cells found
// for the editor's selection (with a threshold slider, and Find Similar's places as links), and
// the gate-saturation plots of the paper's Figure 3. It receives data only: code is written with
// textContent, never as HTML.
// Bundled by esbuild.js as dist/activations.js; talks to the host only through `vscode`.

import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { NamedCell } from '../src/protocol/panelProtocol';
import { DEFAULT_THRESHOLD, kindLabel as labelOf, traceKinds, type TraceKind } from '../src/protocol/engineProtocol';
import { cellGates, type CellType } from '../src/model/params';
import type { CellRef } from '../src/protocol/engineProtocol';
import type { HostToPanel, PanelToHost } from '../src/protocol/panelProtocol';
import { meanBits, surprisingPlaces } from '../src/inspect/surprise';
import { $, el } from './dom';

declare function acquireVsCodeApi(): { postMessage(m: PanelToHost): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();
const post = (m: PanelToHost) => vscode.postMessage(m);


const SURPRISE = 'surprise', MAX_BITS = 8; // the view's radio value; bits shown at full colour
let shape = { layers: 1, hidden: 1 }, cellType: CellType = 'lstm'; // the model's, which decides the kinds shown
const kindLabel = (kind: TraceKind) => labelOf(kind, cellType);
const saved = vscode.getState() as { cell?: CellRef; view?: 'cell' | 'surprise' } | undefined;
let cell: CellRef = saved?.cell ?? { layer: 0, index: 0, kind: 'cell' };
let view = saved?.view ?? 'cell'; // a cell's values, or the model's surprise (sent with every text: switching needs no request)
let shown: Extract<HostToPanel, { type: 'showText' }> | undefined;
let offsets: number[] = []; // UTF-16 offset in the document of each code point shown

window.addEventListener('message', (event: MessageEvent<HostToPanel>) => {
  const m = event.data;
  if (m.type === 'showMessage') {
    $('message').textContent = m.text;
    $('code').replaceChildren();
    $('note').textContent = '';
  } else if (m.type === 'showFound') {
    showFound(m);
  } else if (m.type === 'showSimilar') {
    showSimilar(m);
  } else if (m.type === 'showCells') {
    shape = { layers: m.layers, hidden: m.hidden };
    cellType = m.cellType;
    cell = m.cell;
    $('status').textContent = m.status;
    showControls(m.named);
  } else {
    showText(m);
  }
});

function pick(next: CellRef): void {
  cell = { layer: clamp(next.layer, shape.layers - 1), index: clamp(next.index, shape.hidden - 1), kind: next.kind };
  view = 'cell';
  vscode.setState({ cell, view }); // UI intent only: the values are fetched again
  syncControls();
  post({ type: 'pickCell', cell });
}

function showSurprise(): void {
  view = 'surprise';
  vscode.setState({ cell, view });
  syncControls();
  if (shown) showText(shown);
}

const clamp = (x: number, max: number) => Math.max(0, Math.min(max, Number.isFinite(x) ? Math.trunc(x) : 0));

function showControls(named: NamedCell[]): void {
  const select = el('vscode-single-select', { id: 'named', 'aria-label': 'named cells' });
  select.append(el('vscode-option', { value: '' }, 'Named cells…'));
  for (const c of named) select.append(el('vscode-option', { value: `${c.layer}:${c.index}` }, `${c.title} · L${c.layer + 1}#${c.index} · ${c.measure} ${c.score.toFixed(2)}`));
  select.addEventListener('change', () => {
    const [layer, index] = ((select as HTMLSelectElement).value || '').split(':').map(Number);
    if (Number.isFinite(index)) pick({ layer, index, kind: cell.kind });
  });
  const layer = el('vscode-textfield', { id: 'layer', type: 'number', min: '1', max: String(shape.layers), 'aria-label': 'layer' });
  const index = el('vscode-textfield', { id: 'index', type: 'number', min: '0', max: String(shape.hidden - 1), 'aria-label': 'cell index' });
  const onNumber = () => pick({ layer: Number((layer as HTMLInputElement).value) - 1, index: Number((index as HTMLInputElement).value), kind: cell.kind });
  for (const field of [layer, index]) for (const event of ['input', 'change']) field.addEventListener(event, onNumber);
  const kinds = el('vscode-radio-group', { id: 'kind', 'aria-label': 'what to show' });
  for (const [kind, label] of [...traceKinds(cellType).map((k) => [k, kindLabel(k)]), [SURPRISE, 'surprise (bits/char)']]) kinds.append(el('vscode-radio', { name: 'kind', value: kind, label }, label));
  kinds.addEventListener('change', (e) => {
    const value = (e.target as HTMLInputElement).value;
    if (value === SURPRISE) showSurprise();
    else pick({ ...cell, kind: value as TraceKind });
  });
  const find = el('button', { id: 'find-cells', title: 'The cells that are on in the code selected in the editor' }, 'Find Cells for Selection');
  find.addEventListener('click', () => post({ type: 'findCells', threshold: threshold() }));
  $('controls').replaceChildren(select, el('vscode-label', { for: 'layer' }, 'Layer'), layer, el('vscode-label', { for: 'index' }, 'Cell'), index, kinds, legend(), find);
  syncControls();
}

function syncControls(): void {
  const named = $('controls').querySelector('#named') as unknown as { value: string } | null;
  if (named) named.value = [...$('controls').querySelectorAll('vscode-option')].some((o) => o.getAttribute('value') === `${cell.layer}:${cell.index}`) ? `${cell.layer}:${cell.index}` : '';
  const layer = $('controls').querySelector('#layer') as HTMLInputElement | null, index = $('controls').querySelector('#index') as HTMLInputElement | null;
  if (layer) layer.value = String(cell.layer + 1);
  if (index) index.value = String(cell.index);
  for (const radio of $('controls').querySelectorAll('vscode-radio')) (radio as unknown as { checked: boolean }).checked = radio.getAttribute('value') === (view === 'surprise' ? SURPRISE : cell.kind);
  $('controls').querySelector('#legend')?.replaceWith(legend());
}

function legend(): HTMLElement {
  const surprise = view === 'surprise';
  const bar = el('span', { id: 'legend', title: surprise ? `0 bits (expected) … ${MAX_BITS} or more bits per character (surprising)` : 'red: −1 (a gate: 0) … blue: +1 (a gate: 1)' });
  for (let v = surprise ? 0 : -1; v <= 1.001; v += surprise ? 0.125 : 0.25) {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.backgroundColor = surprise ? surpriseColour(v * MAX_BITS) : colour(v);
    bar.append(swatch);
  }
  return bar;
}

/** See-through for what the model expected, orange for what surprised it. */
function surpriseColour(bits: number): string {
  return Number.isNaN(bits) ? 'transparent' : `rgba(203, 75, 22, ${(Math.min(bits, MAX_BITS) / MAX_BITS) * 0.85})`;
}

/** Red for −1, blue for +1, see-through near 0: legible on light and dark themes. */
function colour(v: number): string {
  const a = Math.min(1, Math.abs(v)) * 0.85;
  return v < 0 ? `rgba(220, 50, 47, ${a})` : `rgba(38, 139, 210, ${a})`;
}

function showText(m: Extract<HostToPanel, { type: 'showText' }>): void {
  shown = m; // its cell may be one the user has since moved on from: the controls keep theirs
  $('message').textContent = '';
  $('note').textContent = m.note;
  const code = $('code'), chars = [...m.text];
  offsets = [];
  let offset = m.start;
  const spans = chars.map((ch, i) => {
    offsets.push(offset);
    offset += ch.length;
    const span = document.createElement('span');
    span.textContent = ch; // data, never markup
    span.dataset.i = String(i);
    const v = m.cell.kind === 'cell' ? m.values[i] : m.values[i] * 2 - 1; // gates: 0 red … 1 blue
    span.style.backgroundColor = view === 'surprise' ? surpriseColour(m.surprise[i]) : colour(v);
    return span;
  });
  code.replaceChildren(...spans);
  const by = view === 'surprise' ? "the model's surprise" : `${kindLabel(m.cell.kind)} of L${m.cell.layer + 1}#${m.cell.index}`;
  code.setAttribute('aria-label', `${m.fileName}, coloured by ${by}`);
  showPlaces(m, chars);
  drawSaturation(m.saturation);
}

/** The surprise view's mean and its ten most surprising places, each a link to its line. */
function showPlaces(m: Extract<HostToPanel, { type: 'showText' }>, chars: string[]): void {
  const section = $('surprising');
  section.hidden = view !== 'surprise';
  if (section.hidden) return;
  const lineOf: number[] = []; // the document line of each character
  chars.reduce((line, ch) => (lineOf.push(line), ch === '\n' ? line + 1 : line), m.line);
  const list = el('ol', { id: 'places' });
  for (const { index, bits } of surprisingPlaces(m.surprise)) {
    const lineStart = chars.lastIndexOf('\n', index - 1) + 1, lineEnd = chars.indexOf('\n', index);
    const line = chars.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).join('').trim().slice(0, 60);
    const link = el('a', { href: '#', 'data-i': String(index) }, `line ${lineOf[index] + 1}: ${JSON.stringify(chars[index])} in “${line}”, ${bits.toFixed(1)} bits`);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      post({ type: 'reveal', offset: offsets[index] });
    });
    const item = el('li');
    item.append(link);
    list.append(item);
  }
  section.replaceChildren(el('p', { id: 'mean' }, `${meanBits(m.surprise).toFixed(2)} bits per character on average here, as completions see it (lower: the model expects it). The ten most surprising places:`), list);
}

const threshold = () => Number(($('found').querySelector('#threshold') as HTMLInputElement | null)?.value ?? DEFAULT_THRESHOLD);

/** The cells found for the selection: each a link that colours the code by it, ticked ones for Find Similar. */
function showFound(m: Extract<HostToPanel, { type: 'showFound' }>): void {
  const section = $('found');
  section.hidden = false;
  const slider = el('input', { id: 'threshold', type: 'range', min: '0.05', max: '0.95', step: '0.05', value: String(m.threshold), 'aria-label': 'threshold ℓ' });
  const shownValue = el('output', { for: 'threshold' }, m.threshold.toFixed(2));
  slider.addEventListener('input', () => (shownValue.textContent = Number((slider as HTMLInputElement).value).toFixed(2)));
  slider.addEventListener('change', () => post({ type: 'findCells', threshold: threshold() }));
  const list = el('ol', { id: 'found-cells' });
  m.cells.forEach((c, i) => {
    const item = el('li'), tick = el('input', { type: 'checkbox', 'aria-label': `use L${c.layer + 1}#${c.index} in Find Similar` });
    (tick as HTMLInputElement).checked = i < 3;
    const link = el('a', { href: '#', class: 'cell' }, `L${c.layer + 1}#${c.index} ${kindLabel(c.kind)}${c.sign < 0 ? ', on where low' : ''}`);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      pick(c);
    });
    item.append(tick, ' ', link, el('span', {}, m.byKind ? ` AUC ${c.fit.toFixed(2)}, IoU ${c.iou.toFixed(2)}` : ` IoU ${c.local.toFixed(2)}`));
    list.append(item);
  });
  const similar = el('button', { id: 'find-similar', title: 'Where the ticked cells are on together, in this file and in the workspace' }, 'Find Similar');
  similar.addEventListener('click', () => {
    const chosen = m.cells.filter((_, i) => (list.children[i].querySelector('input') as HTMLInputElement).checked);
    post({ type: 'findSimilar', cells: chosen.map(({ layer, index, kind, sign }) => ({ layer, index, kind, sign })) });
  });
  const none = el('p', { id: 'no-cells' }, `No cell is on in the selection at ℓ = ${m.threshold.toFixed(2)}: lower the threshold.`);
  section.replaceChildren(
    el('h2', {}, m.title), el('p', { id: 'ranking' }, m.ranking),
    el('label', { for: 'threshold' }, 'Threshold ℓ (a cell is on where its value, or its negative, is at least ℓ; gates read as 2g − 1) '), slider, ' ', shownValue,
    ...(m.cells.length > 0 ? [list, similar] : [none]), el('div', { id: 'similar' }),
  );
}

/** Where the chosen cells are on together: links to lines of this file and of the workspace's files. */
function showSimilar(m: Extract<HostToPanel, { type: 'showSimilar' }>): void {
  const lists = (['inFile', 'inWorkspace'] as const).map((where) => {
    const list = el('ol', { id: `similar-${where}` });
    m[where].forEach((place, index) => {
      const link = el('a', { href: '#' }, `${place.label}: “${place.text.replace(/\s+/g, ' ').trim()}”, ${place.strength.toFixed(2)}`);
      link.addEventListener('click', (e) => {
        e.preventDefault();
        post({ type: 'openPlace', list: where, index });
      });
      const item = el('li');
      item.append(link);
      list.append(item);
    });
    return list;
  });
  $('found').querySelector('#similar')?.replaceChildren(el('p', {}, m.status), el('h3', {}, 'In this file'), lists[0], el('h3', {}, "In the workspace's sample"), lists[1]);
}

$('code').addEventListener('mouseover', (e) => {
  const i = Number((e.target as HTMLElement).dataset?.i);
  const box = $('guesses');
  if (!shown || !Number.isFinite(i)) return void (box.hidden = true);
  const value = view === 'surprise' ? `surprise ${Number.isNaN(shown.surprise[i]) ? 'not known' : `${shown.surprise[i].toFixed(1)} bits`}` : `${kindLabel(shown.cell.kind)} ${shown.values[i].toFixed(2)}`;
  const lines = [`after ${JSON.stringify([...shown.text][i])}: ${value}`];
  for (let r = 0; r < 5; r++) lines.push(`${JSON.stringify(shown.vocabulary[shown.topIds[i * 5 + r]])}  ${(shown.topProbs[i * 5 + r] * 100).toFixed(1)}%`);
  box.textContent = lines.join('\n');
  const rect = (e.target as HTMLElement).getBoundingClientRect();
  box.style.left = `${Math.round(rect.left + window.scrollX)}px`;
  box.style.top = `${Math.round(rect.bottom + window.scrollY + 4)}px`;
  box.hidden = false;
});
$('code').addEventListener('mouseleave', () => ($('guesses').hidden = true));
$('code').addEventListener('click', (e) => {
  const i = Number((e.target as HTMLElement).dataset?.i);
  if (Number.isFinite(i) && offsets[i] !== undefined) post({ type: 'reveal', offset: offsets[i] });
});

/** Figure 3 of the paper: per gate, each cell at (share of time < 0.1, share > 0.9), one colour per layer. */
function drawSaturation(saturation: Float32Array): void {
  const { layers: L, hidden: H } = shape;
  const section = $('saturation');
  const style = getComputedStyle(document.body), fg = style.getPropertyValue('--vscode-foreground') || '#888';
  const layerColours = ['rgba(38, 139, 210, 0.7)', 'rgba(220, 50, 47, 0.7)', 'rgba(133, 153, 0, 0.7)', 'rgba(211, 54, 130, 0.7)'];
  const gates = cellGates(cellType);
  const plots = gates.map((gate, g) => {
    const figure = el('figure'), canvas = document.createElement('canvas');
    canvas.width = 180;
    canvas.height = 180;
    const ctx = canvas.getContext('2d')!;
    ctx.strokeStyle = fg;
    ctx.strokeRect(20, 0, 160, 160);
    ctx.beginPath();
    ctx.moveTo(20, 0);
    ctx.lineTo(180, 160);
    ctx.stroke();
    for (let l = 0; l < L; l++) {
      ctx.fillStyle = layerColours[l % layerColours.length];
      for (let j = 0; j < H; j++) {
        const o = ((l * gates.length + g) * H + j) * 2;
        ctx.fillRect(20 + saturation[o] * 157, 157 - saturation[o + 1] * 157, 3, 3);
      }
    }
    figure.append(canvas, el('figcaption', {}, `${gate} gate: x left-saturated (< 0.1), y right-saturated (> 0.9)`));
    return figure;
  });
  const box = el('vscode-collapsible', { title: 'Gate saturation (Figure 3 of Karpathy et al.)', open: '' });
  box.append(...(plots.length > 0 ? plots : [el('p', {}, 'A vanilla RNN has no gates: its state is all it has.')]));
  section.replaceChildren(box);
}

post({ type: 'ready' });
