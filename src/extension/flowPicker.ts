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
    label: `#${row.id}  ${row.client} → ${row.server}`,
    description: `tcp.stream ${tcpStreamOf(row.id)} · ${row.state} ${row.history}`,
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
  const refresh = (value: string): void => {
    const mine = ++seq;
    qp.busy = true;
    search(doc, value).then(
      ({ items, total }) => {
        if (mine !== seq) return;
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
  return new Promise((resolve) => {
    let done = false;
    qp.onDidChangeValue(refresh);
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0] ?? qp.activeItems[0];
      done = true;
      resolve(picked?.flowId);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    refresh('');
    qp.show();
  });
}
