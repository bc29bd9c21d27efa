// The default script of examples/serve: answers every request from JS.
addEventListener('fetch', (event) => {
  event.respondWith(handle(event.request));
});

async function handle(request) {
  const url = new URL(request.url);
  if (url.pathname === '/json') {
    return Response.json({ hello: 'world', method: request.method, path: url.pathname });
  }
  const name = url.searchParams.get('name') || 'world';
  return new Response(`hello, ${name}\n`, {
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'x-served-by': 'workerhost' },
  });
}
