/**
 * "Which flow?" as a searchable pick: type an address, a port, "#12" or "tcp.stream eq 11".
 * The worker filters and sorts (a capture can hold a million flows), the pick shows the first
 * matches; with nothing typed, flows with findings come first.
 */
import * as vscode from 'vscode';
import type { FlowRow } from '../protocol/flowTable';
import type { CaptureDocument } from './captureDocument';
import { parseFlowSearch, tcpStreamOf } from './wireshark';

const SHOWN = 200;

interface FlowItem extends vscode.QuickPickItem {
  flowId: number;
}

function itemOf(row: FlowRow): FlowItem {
  return {
    flowId: row.id,
    // The flow number leads the label: VS Code sorts a typed pick by label, prefix matches
    // first, so typing "121" puts flow 121 above the flows whose addresses hold "121"
    // ("#121" would not be a prefix match, and its natural order put #54 and #94 first).
    label: `${row.id}  ${row.client} → ${row.server}`,
    description: `flow ${row.id} · tcp.stream ${tcpStreamOf(row.id)} · ${row.state} ${row.history}`,
    detail: row.findings.length > 0 ? row.findings.join(', ') : undefined,
    // The worker already matched; the pick's own label filter would drop "tcp.stream eq 4".
    alwaysShow: true,
  };
}

async function search(doc: CaptureDocument, value: string): Promise<{ items: FlowItem[]; total: number }> {
  const { flowId, text } = parseFlowSearch(value);
  const rows: FlowRow[] = [];
  if (flowId !== null) {
    const page = await doc.request('queryFlows', { query: { sort: { key: 'id', dir: 'asc' }, filter: { flowIds: [flowId] } }, offset: 0, limit: 1 });
    rows.push(...page.rows);
  }
  let total = rows.length;
  if (text !== '' || flowId === null) {
    const sort = text === '' ? { key: 'findings' as const, dir: 'desc' as const } : { key: 'id' as const, dir: 'asc' as const };
    const page = await doc.request('queryFlows', { query: { sort, filter: text ? { text } : {} }, offset: 0, limit: SHOWN });
    rows.push(...page.rows.filter((r) => r.id !== flowId));
    total += page.total - (page.rows.some((r) => r.id === flowId) ? 1 : 0);
  }
  return { items: rows.map(itemOf), total };
}

/** Resolves with the picked flow id, or undefined when dismissed. */
export function pickFlow(doc: CaptureDocument, title: string): Promise<number | undefined> {
  const qp = vscode.window.createQuickPick<FlowItem>();
  qp.title = title;
  qp.placeholder = 'Address, port, #flow or tcp.stream eq N';
  qp.matchOnDescription = true;
  let seq = 0;
  /** Set by Enter pressed while the search for what was typed is still running. */
  let acceptWhenDone = false;
  const refresh = (value: string): void => {
    const mine = ++seq;
    qp.busy = true;
    search(doc, value).then(
      ({ items, total }) => {
        if (mine !== seq) return;
        if (acceptWhenDone) return accept(items[0]);
        qp.items = items;
        qp.busy = false;
        qp.title = total > items.length ? `${title} (first ${items.length} of ${total} matches)` : title;
        const selected = doc.selectedFlowId !== null && value === '' ? items.find((i) => i.flowId === doc.selectedFlowId) : undefined;
        if (selected) qp.activeItems = [selected];
      },
      (e: Error) => {
        if (mine !== seq) return;
        qp.busy = false;
        qp.items = [];
        qp.title = `${title}: ${e.message}`;
      },
    );
  };
  let accept: (item: FlowItem | undefined) => void = () => {};
  return new Promise((resolve) => {
    let done = false;
    accept = (item) => {
      done = true;
      resolve(item?.flowId);
      qp.hide();
    };
    qp.onDidChangeValue(refresh);
    qp.onDidAccept(() => {
      // Typed "121" and pressed Enter at once: the list still shows the previous search, so
      // its first item would be some other flow. Take the answer to what was typed instead.
      if (qp.busy) acceptWhenDone = true;
      else accept(qp.selectedItems[0] ?? qp.activeItems[0]);
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    refresh('');
    qp.show();
  });
}
