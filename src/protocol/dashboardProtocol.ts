// The messages between the extension host and the training dashboard's webview
// (media/dashboard.ts): the model's learning curve from its checkpoint's history, then what a
// run reports as it goes. Data only: samples are written with textContent, never as HTML.

import type { HistoryPoint } from '../model/checkpoint';
import type { UnionShapes } from './messageShape';

export type HostToDashboard =
  /** Host: the model's history, every evaluation of every run so far (empty: no model yet), and what the model is. */
  | { type: 'showHistory'; title: string; points: HistoryPoint[] }
  /** Host: a running training's progress between evaluations (every few seconds). */
  | { type: 'didProgress'; step: number; seconds: number; charsPerSecond: number; trainBpc: number }
  /** Host: a running training's evaluation, added to the history. */
  | { type: 'didEvaluate'; point: HistoryPoint };

export type DashboardToHost =
  /** Webview: loaded and listening. */
  { type: 'ready' };

/** What the dashboard's host accepts from the webview (an untrusted view). */
export const DASHBOARD_TO_HOST: UnionShapes<DashboardToHost> = { ready: {} };
