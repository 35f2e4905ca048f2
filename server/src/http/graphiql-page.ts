import fs from 'node:fs';
import path from 'node:path';

/** A file inside an installed package (these packages do not export their UMD builds). */
const packageFile = (pkg: string, file: string) =>
  path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);

/**
 * GraphiQL served from this server's own node_modules: Apollo's sandbox loads from a CDN and
 * fails offline. React 18's UMD builds are what graphiql's standalone bundle expects.
 */
export const GRAPHIQL_ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': {
    file: packageFile('react', 'umd/react.production.min.js'),
    type: 'text/javascript',
  },
  'react-dom.js': {
    file: packageFile('react-dom', 'umd/react-dom.production.min.js'),
    type: 'text/javascript',
  },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

const assetCache = new Map<string, Buffer>();

export function readGraphiqlAsset(name: string): { body: Buffer; type: string } | undefined {
  const asset = GRAPHIQL_ASSETS[name];
  if (!asset) return undefined;
  let body = assetCache.get(name);
  if (!body) {
    body = fs.readFileSync(asset.file);
    assetCache.set(name, body);
  }
  return { body, type: asset.type };
}

const EXAMPLE_QUERY = `# Welcome to quetma. Try: the districts and wards of Hà Nội with today's figures.
{
  city(code: "01") {
    name
    districts {
      code
      name
      wards { code name }
    }
  }
}
`;

/** `headers` prefill GraphiQL's Headers tab (development: the demo integrator key). */
export function graphiqlPage(endpoint: string, headers?: Record<string, string>): string {
  return `<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8" />
  <title>quetma GraphQL</title>
  <link rel="stylesheet" href="/graphiql/assets/graphiql.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/react.js"></script>
  <script src="/graphiql/assets/react-dom.js"></script>
  <script src="/graphiql/assets/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultQuery: ${JSON.stringify(EXAMPLE_QUERY)},
        defaultHeaders: ${JSON.stringify(headers ? JSON.stringify(headers, null, 2) : '')},
      }),
    );
  </script>
</body>
</html>`;
}
