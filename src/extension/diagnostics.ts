/**
 * One DiagnosticCollection for all captures. Diagnostics live on the capture's findings report
 * (see findingsReport.ts for why), replaced in full on every analysis and removed when the
 * analysis fails or the capture closes. A grouped entry carries its flows as related
 * information, which the Problems panel shows as expandable children.
 */
import * as vscode from 'vscode';
import type { Severity } from '../core/engine/result';
import { findingDocUrl } from '../core/engine/findings/registry';
import type { FindingsReport } from './findingsReport';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class FindingDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('synscope');

  constructor(private readonly repositoryUrl: string) {}

  set(reportUri: vscode.Uri, report: FindingsReport): void {
    const list = report.diagnostics.map((d) => {
      const diag = new vscode.Diagnostic(new vscode.Range(d.line, 0, d.line, d.length), d.message, SEVERITY[d.severity]);
      diag.source = 'synscope';
      diag.code = { value: d.code, target: vscode.Uri.parse(findingDocUrl(d.code, this.repositoryUrl)) };
      if (d.related && d.related.length > 0) {
        diag.relatedInformation = d.related.map((r) =>
          new vscode.DiagnosticRelatedInformation(new vscode.Location(reportUri, new vscode.Range(r.line, 0, r.line, r.length)), r.message));
      }
      return diag;
    });
    this.collection.set(reportUri, list);
  }

  clear(reportUri: vscode.Uri): void {
    this.collection.delete(reportUri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
