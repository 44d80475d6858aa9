// Starts Swagger UI on /docs. FastAPI's own page does this in an inline script, which the page's
// Content-Security-Policy does not allow; the options are FastAPI's defaults.

window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
