// Small shared pieces. Every string from Kafka goes through <K>: Preact renders it as a text node (never as
// markup), and <bdi dir="auto"> isolates it so right-to-left or zero-width characters cannot reorder the page
// around it.
import type { ComponentChildren } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { ApiError } from './api';
import { num } from './format';
import { SessionContext } from './live';

export function K({ s, class: cls }: { s: string | null | undefined; class?: string }) {
  if (s === null || s === undefined) return <span class="null">null</span>;
  return <bdi dir="auto" class={cls === undefined ? 'k' : `k ${cls}`}>{s}</bdi>;
}

export function N({ n }: { n: number | null | undefined }) {
  return <td class="num">{num(n)}</td>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty" role="status">{children}</p>;
}

export function Failure({ error }: { error: Error | undefined }) {
  if (error === undefined) return null;
  const code = error instanceof ApiError ? `${error.code}: ` : '';
  return <p class="failure" role="alert">{code}<K s={error.message} /></p>;
}

export function Loading() {
  return <p class="loading" aria-busy="true">Loading…</p>;
}

/** Whether the dashboard may change things (a session without --read-only). */
export function useWritable(): boolean {
  const session = useContext(SessionContext);
  return session !== null && !session.readOnly;
}

/** Children only when the dashboard may change things (no --read-only). */
export function Writable({ children }: { children: ComponentChildren }) {
  return useWritable() ? <>{children}</> : null;
}

/** Runs a state-changing request and shows its failure, or `done` after success. */
export function useAction(): { busy: boolean; error: Error | undefined; done: string | null; run: (what: () => Promise<string>) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [done, setDone] = useState<string | null>(null);
  const run = (what: () => Promise<string>): void => {
    setBusy(true);
    setError(undefined);
    setDone(null);
    what().then((msg) => {
      setDone(msg);
      setBusy(false);
    }, (e: unknown) => {
      setError(e instanceof Error ? e : new Error(String(e)));
      setBusy(false);
    });
  };
  return { busy, error, done, run };
}

export function ActionResult({ a }: { a: { error: Error | undefined; done: string | null } }) {
  return (
    <>
      <Failure error={a.error} />
      {a.done !== null && <p class="done" role="status"><K s={a.done} /></p>}
    </>
  );
}

/**
 * A produce-rate sparkline as one inline SVG path: a single string attribute per row, no chart instance, so a list of
 * 1,000 topics costs 1,000 small elements rather than 1,000 canvases.
 */
export function sparkPath(values: number[], w: number, h: number): string {
  const max = Math.max(...values, 1e-9);
  const step = w / (values.length - 1);
  let d = '';
  for (let i = 0; i < values.length; i++) d += `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)} ${(h - 1 - ((values[i] ?? 0) / max) * (h - 2)).toFixed(1)}`;
  return d;
}

export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 96;
  const h = 20;
  if (values.length < 2) return <svg class="spark" width={w} height={h} role="img" aria-label={`${label}: no samples yet`} />;
  const last = values[values.length - 1] ?? 0;
  return (
    <svg class="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${label}: ${last.toFixed(1)} messages/s now`}>
      <path d={sparkPath(values, w, h)} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

/** How many rows a long list renders before "Show all": enough to fill any screen, few enough to paint at once. */
export const FIRST_ROWS = 100;

/**
 * The first FIRST_ROWS of `rows` until the user asks for all of them (`noun`: what the rows are, plural; more than
 * FIRST_ROWS rows are always plural). `key` is what selects the rows (the search):
 * a new search starts again from the first rows, since the matches are a different list.
 */
export function useFirstRows<T>(rows: T[], key: string, noun: string): { shown: T[]; more: ComponentChildren } {
  const [all, setAll] = useState<string | null>(null);
  const showAll = all === key;
  const shown = showAll || rows.length <= FIRST_ROWS ? rows : rows.slice(0, FIRST_ROWS);
  const more = shown.length < rows.length && (
    <p class="more">
      <span class="muted">Showing the first {num(FIRST_ROWS)} of {num(rows.length)} {noun}.</span>{' '}
      <button type="button" onClick={() => setAll(key)}>Show all {num(rows.length)} {noun}</button>
    </p>
  );
  return { shown, more };
}

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  axis: 'left' | 'right';
  color: string;
}

/** A time-series chart (uPlot): `t` in ms; series on the left axis (counts) or right axis (rates). */
export function TimeChart({ t, series, leftLabel, rightLabel }: { t: number[]; series: ChartSeries[]; leftLabel: string; rightLabel: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('|');
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const width = (): number => Math.max(280, el.clientWidth);
    const opts: uPlot.Options = {
      width: width(),
      height: 240,
      scales: { x: { time: true }, y: { auto: true }, r: { auto: true } },
      axes: [
        { stroke: 'currentColor' },
        { stroke: 'currentColor', label: leftLabel, scale: 'y' },
        { stroke: 'currentColor', label: rightLabel, scale: 'r', side: 1, grid: { show: false } },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, scale: s.axis === 'left' ? 'y' : 'r' }))],
    };
    const p = new uPlot(opts, [[], ...series.map(() => [])], el);
    plot.current = p;
    const onResize = (): void => p.setSize({ width: width(), height: 240 });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      p.destroy();
      plot.current = null;
    };
  }, [shape, leftLabel, rightLabel]);
  useEffect(() => {
    plot.current?.setData([t.map((x) => x / 1000), ...series.map((s) => s.values)]);
  });
  return <div class="chart" ref={box} />;
}
