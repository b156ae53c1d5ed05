// @lift/web's Node entry: the browser code lives in src/ and is bundled into dist/ui; this tells
// the server where that bundle is, so no other package works out paths inside this one.
import { fileURLToPath } from 'node:url';

export function webUiDirectory() {
  return fileURLToPath(new URL('../dist/ui', import.meta.url));
}
