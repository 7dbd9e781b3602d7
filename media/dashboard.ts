// The training dashboard's webview: the model's bits per character (train and held-out), its
// training speed and its gates' saturation (the paper's Figure 3, averaged over the cells)
// against steps or minutes of training, the gradient flow of the newest evaluation (how far back
// in time the loss's gradient reaches: the vanishing gradient of a vanilla RNN), drawn here as SVG in the theme's chart colours, and the
// samples written at each evaluation, newest first, so one sees them go from noise to code. It
// receives data only: samples are written with textContent, never as HTML.
// Bundled by esbuild.js as dist/dashboard.js; talks to the host only through `vscode`.

import type { HistoryPoint } from '../src/model/checkpoint';
import type { DashboardToHost, HostToDashboard } from '../src/protocol/dashboardProtocol';
import { $, el, svg } from './dom';

declare function acquireVsCodeApi(): { postMessage(m: DashboardToHost): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();

type Progress = Extract<HostToDashboard, { type: 'didProgress' }>;
type Axis = 'step' | 'minutes';

let history: HistoryPoint[] = [];
let live: Progress[] = []; // a running training's progress since its last evaluation
let axis: Axis = (vscode.getState() as { axis?: Axis } | undefined)?.axis ?? 'step';


window.addEventListener('message', (event: MessageEvent<HostToDashboard>) => {
  const m = event.data;
  if (m.type === 'showHistory') {
    $('title').textContent = m.title;
    [history, live] = [m.points, []];
  } else if (m.type === 'didProgress') {
    live.push(m);
  } else {
    history = [...history, m.point];
    live = live.filter((p) => p.step > m.point.step);
  }
  draw();
});

interface Series {
  name: string;
  colour: string; // a VS Code chart colour: it follows the theme
  dashed?: boolean;
  points: [number, number][];
}

const x = (p: { step: number; seconds: number }) => (axis === 'step' ? p.step : p.seconds / 60);

function draw(): void {
  const bpc: Series[] = [
    { name: 'train', colour: 'blue', points: [...history.map((p) => [x(p), p.trainBpc] as [number, number]), ...live.map((p) => [x(p), p.trainBpc] as [number, number])] },
    { name: 'held-out', colour: 'orange', points: history.flatMap((p) => (p.heldoutBpc === null ? [] : [[x(p), p.heldoutBpc] as [number, number]])) },
  ];
  const speed: Series[] = [{ name: 'chars/s', colour: 'green', points: [...history.flatMap((p) => (p.charsPerSecond === undefined ? [] : [[x(p), p.charsPerSecond] as [number, number]])), ...live.map((p) => [x(p), p.charsPerSecond] as [number, number])] }];
  // An LSTM's three gates, a GRU's two; a vanilla RNN has none, and its chart stays empty.
  const gates = [['input', 'blue'], ['forget', 'orange'], ['output', 'green'], ['reset', 'purple'], ['update', 'red']] as const;
  const saturation: Series[] = gates.flatMap(([gate, colour]) => [0, 1].map((side) => ({
    name: `${gate} ${side === 0 ? '< 0.1' : '> 0.9'}`, colour, dashed: side === 0,
    points: history.flatMap((p) => { const s = p.saturation?.[gate]; return s ? [[x(p), s[side]] as [number, number]] : []; }),
  }))).filter((s) => s.points.length > 0);
  const flowAt = [...history].reverse().find((p) => p.gradientFlow);
  const flow: Series[] = (flowAt?.gradientFlow ?? []).map((norms, l) => ({
    name: `layer ${l + 1}`, colour: LAYER_COLOURS[l % LAYER_COLOURS.length], points: norms.flatMap((n, k) => (n > 0 ? [[k, Math.log10(n)] as [number, number]] : [])),
  }));
  $('plots').replaceChildren(
    chart('bpc', 'Bits per character (lower is better)', bpc),
    chart('speed', 'Training speed (characters per second)', speed),
    chart('saturation', "Gates' saturation: share of values below 0.1 (dashed) and above 0.9", saturation),
    chart('gradient-flow', `Gradient flow${flowAt ? ` at step ${flowAt.step.toLocaleString('en')}` : ''}: log₁₀ ‖∂L/∂h‖ of each layer, k steps before the loss (a vanishing gradient falls steeply)`, flow, 'steps back from the loss'),
  );
  const samples = history.filter((p) => p.sample !== undefined).reverse().map((p) => {
    const item = el('li', {}, `step ${p.step.toLocaleString('en')}, ${(p.seconds / 60).toFixed(1)} min, held-out ${p.heldoutBpc?.toFixed(2) ?? 'n/a'} bpc`);
    item.append(el('pre', {}, p.sample));
    return item;
  });
  $('samples').replaceChildren(...(samples.length > 0 ? samples : [el('li', {}, 'The samples appear at each evaluation (every minute of training, and at its end).')]));
}

const LAYER_COLOURS = ['blue', 'orange', 'green', 'purple'];

/** A line chart with its axes, ticks and legend; one path and a dot per point for each series. */
function chart(id: string, title: string, series: Series[], xLabel = axis === 'step' ? 'steps' : 'minutes of training'): HTMLElement {
  const W = 560, H = 210, left = 56, right = 12, top = 12, bottom = 34;
  const all = series.flatMap((s) => s.points);
  const figure = el('figure', { id }), caption = el('figcaption', {}, title);
  const plot = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  if (all.length > 0) {
    const xs = ticks(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))), ys = ticks(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
    const px = (v: number) => left + ((v - xs[0]) / (xs[xs.length - 1] - xs[0])) * (W - left - right);
    const py = (v: number) => H - bottom - ((v - ys[0]) / (ys[ys.length - 1] - ys[0])) * (H - top - bottom);
    for (const v of ys) plot.append(svg('line', { class: 'grid', x1: left, x2: W - right, y1: py(v), y2: py(v) }), label(left - 6, py(v) + 4, number(v), 'end'));
    for (const v of xs) plot.append(label(px(v), H - bottom + 16, number(v), 'middle'));
    plot.append(svg('line', { class: 'axis', x1: left, x2: W - right, y1: H - bottom, y2: H - bottom }), label((left + W - right) / 2, H - 4, xLabel, 'middle'));
    for (const s of series) {
      const group = svg('g', { class: `series ${s.name.replace(/\W+/g, '-')}` });
      // Through the CSS object model: the panel's Content Security Policy refuses style attributes.
      group.style.stroke = group.style.fill = `var(--vscode-charts-${s.colour})`;
      const sorted = [...s.points].sort((a, b) => a[0] - b[0]);
      if (sorted.length > 1) group.append(svg('path', { d: sorted.map(([u, v], i) => `${i ? 'L' : 'M'}${px(u).toFixed(1)},${py(v).toFixed(1)}`).join(''), fill: 'none', ...(s.dashed ? { 'stroke-dasharray': '5 3' } : {}) }));
      for (const [u, v] of sorted) group.append(svg('circle', { cx: px(u).toFixed(1), cy: py(v).toFixed(1), r: 2.5 }));
      plot.append(group);
    }
  } else {
    plot.append(label(W / 2, H / 2, 'no figures yet', 'middle'));
  }
  const legend = el('p', { class: 'legend' });
  for (const s of series) {
    const key = el('span');
    key.style.borderTop = `2px ${s.dashed ? 'dashed' : 'solid'} var(--vscode-charts-${s.colour})`;
    legend.append(key, ` ${s.name} `);
  }
  figure.append(caption, plot, legend);
  return figure;
}

const label = (px: number, py: number, text: string, anchor: 'start' | 'middle' | 'end') => svg('text', { x: px.toFixed(1), y: py.toFixed(1), 'text-anchor': anchor }, text);

/** About five round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  if (hi - lo < 1e-9) [lo, hi] = [lo - Math.max(1, Math.abs(lo)) * 0.05, hi + Math.max(1, Math.abs(hi)) * 0.05];
  const raw = (hi - lo) / 4, power = 10 ** Math.floor(Math.log10(raw)), step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v < hi + step * 0.999; v += step) out.push(Math.round(v / step) * step);
  return out;
}

// Thousands to four significant figures: ticks 250 apart near 229,000 must not all read "229k".
const number = (v: number) => (Math.abs(v) >= 10_000 ? `${Number((v / 1000).toPrecision(4))}k` : Number(v.toPrecision(3)).toString());

function controls(): void {
  const group = el('fieldset');
  group.append(el('legend', {}, 'Against'));
  for (const [value, text] of [['step', 'steps'], ['minutes', 'minutes']] as const) {
    const input = el('input', { type: 'radio', name: 'axis', value, id: `axis-${value}`, ...(axis === value ? { checked: '' } : {}) });
    input.addEventListener('change', () => {
      axis = value;
      vscode.setState({ axis });
      draw();
    });
    group.append(input, el('label', { for: input.id }, ` ${text} `));
  }
  $('controls').replaceChildren(group);
}

controls();
draw();
vscode.postMessage({ type: 'ready' });
