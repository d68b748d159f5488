/**
 * The GraphiQL IDE, served entirely from local npm packages (graphiql 3, react 18 UMD builds):
 * no CDN, so it works on air-gapped machines and leaks no queries to third parties.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);

/**
 * Absolute path of a file inside an installed package. The packages' `exports` maps hide these
 * UMD/CSS files from `require.resolve('pkg/file')`, but every one of them exports `./package.json`,
 * so the package directory is found through it.
 */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

/** URL path of each asset → file on disk. */
export const IDE_ASSET_PREFIX = '/ide/assets';
const ASSETS: Record<string, string> = {
  'react.production.min.js': packageFile('react', 'umd/react.production.min.js'),
  'react-dom.production.min.js': packageFile('react-dom', 'umd/react-dom.production.min.js'),
  'graphiql.min.js': packageFile('graphiql', 'graphiql.min.js'),
  'graphiql.min.css': packageFile('graphiql', 'graphiql.min.css'),
};

const DEFAULT_QUERY = `# vaner-kg GraphQL API
query Health {
  health {
    ok
    store
    queue
    entityCount
    labeler { kind version }
  }
}
`;

// Started from a file rather than an inline script so the page works under a strict CSP.
const BOOTSTRAP_JS = `(function () {
  var url = new URL(document.body.getAttribute('data-endpoint'), window.location.href).toString();
  var fetcher = GraphiQL.createFetcher({ url: url });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: ${JSON.stringify(DEFAULT_QUERY)} }));
})();
`;

function page(endpoint: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vaner-kg GraphiQL</title>
<link rel="stylesheet" href="${IDE_ASSET_PREFIX}/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body data-endpoint="${endpoint}">
<div id="graphiql">Loading GraphiQL…</div>
<script src="${IDE_ASSET_PREFIX}/react.production.min.js"></script>
<script src="${IDE_ASSET_PREFIX}/react-dom.production.min.js"></script>
<script src="${IDE_ASSET_PREFIX}/graphiql.min.js"></script>
<script src="${IDE_ASSET_PREFIX}/ide.js"></script>
</body>
</html>
`;
}

/** Everything the page loads comes from this origin; GraphiQL sets inline styles and data: fonts. */
export const IDE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the IDE page (for `sendPage`) and its assets (mount the router at the app root). */
export function createIde(endpoint: string): { router: Router; sendPage: (res: express.Response) => void } {
  const html = page(endpoint);
  const router = express.Router();
  router.get(`${IDE_ASSET_PREFIX}/ide.js`, (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-cache').send(BOOTSTRAP_JS);
  });
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`${IDE_ASSET_PREFIX}/${name}`, (_req, res, next) => {
      res.sendFile(file, { maxAge: '1d' }, (err) => {
        if (err) next(err);
      });
    });
  }
  const sendPage = (res: express.Response): void => {
    res.type('html').set('Content-Security-Policy', IDE_CSP).set('Cache-Control', 'no-cache').send(html);
  };
  router.get('/ide', (_req, res) => sendPage(res));
  return { router, sendPage };
}
