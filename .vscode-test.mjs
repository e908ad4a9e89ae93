// `npm run test:electron`: the same extension-host suite as `npm run test:integration`, but in a
// desktop VS Code that @vscode/test-electron downloads (needs network; CI uses the offline
// server route in scripts/e2e/integration.mjs instead).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'out/test/integration/**/*.test.js',
  workspaceFolder: './samples',
  version: '1.100.3',
  mocha: { ui: 'tdd', timeout: 120000, color: true },
});
