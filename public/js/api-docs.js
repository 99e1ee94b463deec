// The API reference: Swagger UI over /api/v1/openapi.json. "Try it out" runs with the page's session, so state
// changes carry the session's CSRF token as the API asks of browser sessions.
(function () {
  var root = document.getElementById('swagger-ui');
  var csrf = document.querySelector('meta[name="csrf-token"]');
  window.SwaggerUIBundle({
    url: root.getAttribute('data-url'),
    domNode: root,
    deepLinking: true,
    requestInterceptor: function (request) {
      if (csrf && request.method && request.method.toUpperCase() !== 'GET') request.headers['x-csrf-token'] = csrf.content;
      return request;
    },
  });
})();
