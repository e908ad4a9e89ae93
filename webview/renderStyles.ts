/**
 * The renderer's class rules (VS Code theme colours for the diagram and charts). The CSP allows
 * no <style> elements, so they are adopted as a constructable stylesheet: the same mechanism
 * Lit uses for the vscode-elements components.
 */
import { RENDER_CSS } from '../src/render/theme';

export function adoptRenderStyles(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(RENDER_CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
