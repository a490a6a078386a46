// Swagger UI for /docs, from the assets the package ships (no CDN, no inline script).
window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });
