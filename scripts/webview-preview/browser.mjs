// Headless Debian Chromium through playwright-core, waiting for /usr/bin/chromium if a setup is still installing it.
import { existsSync } from 'node:fs';

const executablePath = '/usr/bin/chromium';

export async function launchBrowser() {
  for (let waited = 0; !existsSync(executablePath); waited += 5) {
    if (waited % 60 === 0) console.log(`waiting for ${executablePath} …`);
    if (waited > 1800) throw new Error(`${executablePath} did not appear`);
    await new Promise((done) => setTimeout(done, 5000));
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run',
    ],
  });
}
