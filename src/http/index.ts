export { httpRequest, type HttpBody, type HttpRequestInit, type HttpResponse } from './client.js';
