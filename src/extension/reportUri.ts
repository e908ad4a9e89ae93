/**
 * Report documents are addressed by the capture they describe:
 * `synscope-report:/path/to/capture.pcap.findings?<capture uri>`. The path makes the tab title
 * readable; the query carries the exact capture URI (any scheme) back to the navigator.
 */
import * as vscode from 'vscode';

export const REPORT_SCHEME = 'synscope-report';
/** Language of report documents: package.json gives it word wrap. */
export const REPORT_LANGUAGE = 'synscope-report';

export function reportUriFor(capture: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: REPORT_SCHEME, path: capture.path + '.findings', query: capture.toString() });
}

export function captureUriOfReport(report: vscode.Uri): vscode.Uri | null {
  if (report.scheme !== REPORT_SCHEME || !report.query) return null;
  try {
    return vscode.Uri.parse(report.query, true);
  } catch {
    return null;
  }
}
